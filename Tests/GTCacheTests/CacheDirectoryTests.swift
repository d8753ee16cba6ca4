import Foundation
@testable import GTCache
import GTStreams
import GTTestSupport
import XCTest

/// The file tier's directory through the syscall layer (docs/architecture.md, "System calls"):
/// a lock that owns its descriptor, entries that fail to read reported by name, file names
/// percent-encoded (the one encoder: PercentEncodingTests).
final class CacheDirectoryTests: XCTestCase {
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

    func testFileNamesEncodeAsBefore() throws {
        let cache = try CacheDirectory(path: scratchDirectory().appendingPathComponent("cache").path)
        XCTAssertEqual(cache.fileName("glitchtip:prod:app-sre:projects"), "glitchtip%3Aprod%3Aapp-sre%3Aprojects")
        XCTAssertEqual(cache.fileName(".."), "%2E.")
        XCTAssertEqual(cache.fileName("a.b/ä"), "a.b%2F%C3%A4")
    }
}
