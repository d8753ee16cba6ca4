import Foundation
import XCTest
@testable import GTStreams
@testable import GTGlitchTip
@testable import GTCLI
import GTTestSupport
@testable import GTCache

/// The syscall layer (docs/architecture.md, "System calls"): typed errno, an output that
/// reports its failed writes, a lock that owns its descriptor, cache entries that fail to read
/// reported by name.
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

    /// A per-key cache lock released twice closes its descriptor once: the second release must
    /// not close a descriptor opened since under the same number.
    func testCacheLockReleaseIsIdempotent() throws {
        let tier = FileCacheTier(try CacheDirectory(path: scratchDirectory().appendingPathComponent("cache").path))
        let lock = try XCTUnwrap(try tier.tryLock("k"))
        XCTAssertNil(try tier.tryLock("k"), "held: a second taker is refused")
        lock.release()
        let reopened = open("/dev/null", O_RDONLY | O_CLOEXEC)  // most likely the number just freed
        defer { close(reopened) }
        lock.release()
        XCTAssertNotEqual(fcntl(reopened, F_GETFD), -1, "the second release closed a descriptor it did not own")
        let again = try XCTUnwrap(try tier.tryLock("k"), "released: the lock can be taken again")
        again.release()
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

    /// An entry that cannot be read (here `EIO`: /proc/self/mem read at offset 0; `EACCES`
    /// cannot be provoked as root) is a miss with a warning naming it, not a silent miss.
    func testUnreadableCacheEntryIsReportedByName() throws {
        let directory = try CacheDirectory(path: scratchDirectory().appendingPathComponent("cache").path)
        let fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        XCTAssertNil(directory.read(opened: fd, entry: "/cache/entry.json"))
        XCTAssertEqual(directory.notices.all, ["cache entry /cache/entry.json ignored: Input/output error"])
        // A missing entry is a plain miss.
        XCTAssertNil(directory.read("absent"))
        XCTAssertEqual(directory.notices.all.count, 1)
    }
}
