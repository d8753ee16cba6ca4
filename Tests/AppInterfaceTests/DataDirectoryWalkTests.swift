import Dispatch
import Foundation
@testable import AppInterface
import GTStreams
import GTTestSupport
import XCTest

/// Reading a data directory's tree (docs/architecture.md, "Bounded memory"): links to
/// directories are not followed, so a link loop ends the walk instead of hanging it; hidden
/// datafiles are read; a path that is not a directory, or a subdirectory that cannot be read,
/// is an error naming it.
final class DataDirectoryWalkTests: XCTestCase {
    private typealias F = DatafileFixture

    private func fixture() -> F {
        var fixture = F()
        fixture.files["/instance.yml"] = F.instance("gt")
        fixture.files["/orgs/acme.yml"] = F.organization("acme", instance: "/instance.yml")
        fixture.files["/projects/web.yml"] = F.project("web", organization: "/orgs/acme.yml")
        fixture.files["/projects/.hidden.yml"] = F.project("hidden", organization: "/orgs/acme.yml")
        return fixture
    }

    func testALinkLoopEndsTheWalkAndTheRealFilesAreRead() async throws {
        let dir = try fixture().write(in: self)
        try FileManager.default.createSymbolicLink(atPath: dir + "/projects/loop", withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: dir + "/linked.yml", withDestinationPath: "projects/web.yml")

        // A walk that follows the loop fails the test (by its error or after the timeout)
        // instead of hanging the suite; reading it again here would hang the test too.
        if let problem = await readOffThread(dir) { return XCTFail("the walk did not end well: \(problem)") }

        let catalog = try await openCatalog(.dataDirectory(dir))
        // The hidden datafile is read; the link to a file counts as a file (a second declaration).
        XCTAssertEqual(walk(catalog).map(\.origin), [dir + "/projects/.hidden.yml", dir + "/linked.yml",
                                                     dir + "/projects/web.yml"])
    }

    /// A FIFO (or socket, or device) named like a datafile is not read: opening a FIFO blocks
    /// until something writes to it, which would hang the run.
    func testAFIFONamedLikeADatafileIsSkippedNotWaitedOn() async throws {
        let dir = try fixture().write(in: self)
        XCTAssertEqual(mkfifo(dir + "/projects/pipe.yml", 0o600), 0)
        if let problem = await readOffThread(dir) {
            // Still blocked on the FIFO: open it for writing once, so the reader returns and
            // the thread ends with the suite.
            let fd = open(dir + "/projects/pipe.yml", O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
            return XCTFail("the walk did not end well: \(problem)")
        }
        let catalog = try await openCatalog(.dataDirectory(dir))
        XCTAssertEqual(walk(catalog).map(\.origin), [dir + "/projects/.hidden.yml", dir + "/projects/web.yml"])
    }

    /// Reads `dir` as a data directory on a thread of its own and waits at most 60 s for it: a
    /// read that hangs fails the test, not the suite. Nil when the read ended well, else what
    /// went wrong (an error, or still reading).
    private func readOffThread(_ dir: String) async -> String? {
        let opened = expectation(description: "the data directory was read")
        let outcome = Outcome()
        Thread.detachNewThread {
            outcome.set(Result { try DataDirectory(dir, spillDirectory: NSTemporaryDirectory()) }.map { _ in () })
            opened.fulfill()
        }
        await fulfillment(of: [opened], timeout: 60)
        guard case .failure(let error) = outcome.get() else { return nil }
        return "\(error)"
    }

    func testAFileGivenAsTheDataDirectoryIsNotADirectory() async throws {
        let file = scratchDirectory().appendingPathComponent("datafile.yml").path
        try F.instance("gt").write(toFile: file, atomically: true, encoding: .utf8)
        for path in [file, file + "-missing"] {
            do {
                _ = try await openCatalog(.dataDirectory(path))
                XCTFail("\(path) was read as a data directory")
            } catch {
                XCTAssertEqual("\(error)", "\(path): not a directory")
            }
        }
    }

    /// Run through gt-desired: as root (CI), with the capabilities that bypass file permissions
    /// dropped from its bounding set by `setpriv`, so the locked directory is locked for it too.
    func testAnUnreadableSubdirectoryIsNamed() throws {
        let dir = try fixture().write(in: self)
        try FileManager.default.createDirectory(atPath: dir + "/projects/locked", withIntermediateDirectories: false)
        XCTAssertEqual(chmod(dir + "/projects/locked", 0), 0)
        addTeardownBlock { chmod(dir + "/projects/locked", 0o700) }
        let unprivileged = geteuid() == 0 ? "setpriv --bounding-set=-dac_override,-dac_read_search " : ""
        let result = try Tools.shell("\(unprivileged)gt-desired --data '\(dir)'", environment: ["GT_SECRETS_FILE": "/dev/null"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(result.stderr, "gt-desired: error: \(dir)/projects/locked: cannot be read: Permission denied\n")
        XCTAssertEqual(try result.body(), [], "records were written")
    }
}

/// A result handed from the thread that made it to the test's.
private final class Outcome: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Result<Void, any Error> = .failure(CancellationError())

    func set(_ result: Result<Void, any Error>) { lock.withLock { value = result } }
    func get() -> Result<Void, any Error> { lock.withLock { value } }
}
