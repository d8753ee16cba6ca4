import Foundation
import XCTest
@testable import GTStreams
@testable import GTGlitchTip
import GTTestSupport
@testable import GTCache

/// The syscall layer (docs/architecture.md, "System calls"): typed errno, an output that
/// reports its failed writes, a lock that owns its descriptor. The cache's own: GTCacheTests.
final class SystemCallTests: XCTestCase {
    func testErrnoIsTypedAndDescribedOnce() throws {
        XCTAssertThrowsError(try SystemCall.open("/nonexistent/gt-\(UUID().uuidString)", O_RDONLY)) { error in
            XCTAssertEqual(error as? Errno, .noSuchFile)
            XCTAssertEqual("\(error)", "No such file or directory")
        }
    }

    func testFileOutputReportsAFullDisk() throws {
        let fd = open("/dev/full", O_WRONLY | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        let output = FileOutput(fd: fd, name: "standard output")
        output.write("a record\n")
        XCTAssertThrowsError(try output.finish()) { error in
            XCTAssertEqual((error as? OutputError)?.errno, .noSpace)
            XCTAssertEqual("\(error)", "cannot write standard output: No space left on device")
        }
        // Later writes are dropped, the first failure stays.
        output.write("more\n")
        XCTAssertEqual(output.failure?.errno, .noSpace)
    }

    /// A lock nobody released is released when its owner goes away.
    func testFileLockDeinitReleases() throws {
        let path = scratchDirectory().appendingPathComponent("x.lock").path
        var first: FileLock? = try FileLock(path: path) { _ in true }
        XCTAssertEqual(try first?.tryLock(), true)
        let second = try FileLock(path: path) { _ in true }
        XCTAssertEqual(try second.tryLock(), false)
        first = nil
        XCTAssertEqual(try second.tryLock(), true)
        second.release()
        XCTAssertFalse(second.isOpen)
        XCTAssertThrowsError(try second.tryLock()) { XCTAssertEqual($0 as? Errno, Errno(rawValue: EBADF)) }
    }
}
