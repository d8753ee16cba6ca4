import Foundation
@testable import AppInterface
import GTStreams
import GTTestSupport
import XCTest

/// The secrets file and a qontract bundle are read through the system-call layer
/// (docs/architecture.md, "System calls"): an unreadable one is named with the system's reason,
/// as every other file gt reads is, and a pipe (`--bundle <(…)`) is read to its end.
final class SourceFileReadTests: XCTestCase {
    func testAMissingSecretsFileIsNamedWithTheSystemsReason() throws {
        let path = scratchDirectory().appendingPathComponent("absent.yml").path
        XCTAssertThrowsError(try SecretsFile(path: path)) { error in
            XCTAssertEqual("\(error)", "secret (all): secrets file \(path) cannot be read: No such file or directory")
        }
    }

    func testADirectoryGivenAsABundleIsNamedWithTheSystemsReason() throws {
        let path = scratchDirectory().path
        XCTAssertThrowsError(try BundleFile.read(path)) { error in
            XCTAssertEqual("\(error)", "\(path): cannot be read: Is a directory")
        }
    }

    func testABundleIsReadFromAPipeToItsEnd() throws {
        let fifo = scratchDirectory().appendingPathComponent("bundle.fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let body = #"{"data": {"/a.yml": {"$schema": "/x-1.yml", "pad": ""# + String(repeating: "p", count: 300_000) + #""}}}"#
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            _ = try? SystemCall.writeAll(fd, body)
            close(fd)
        }
        writer.start()
        let data = try BundleFile.read(fifo)
        XCTAssertEqual(data["/a.yml"]?["pad"]?.stringValue?.count, 300_000)
    }
}
