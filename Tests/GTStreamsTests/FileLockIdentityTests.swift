import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// A lock on a file removed or replaced since it was taken excludes nobody: `FileLock.isStillAt`
/// tells (docs/safety.md, "Every change is made under a lock known to be held").
final class FileLockIdentityTests: XCTestCase {
    private func locked(_ path: String) throws -> FileLock {
        let lock = try FileLock(path: path) { _ in true }
        XCTAssertTrue(try lock.tryLock())
        return lock
    }

    func testTheLockedFileIsAtItsPathUntilRemovedOrReplaced() throws {
        let directory = scratchDirectory().path
        let path = directory + "/apply-gt.lock"
        let lock = try locked(path)
        XCTAssertTrue(lock.isStillAt(path))
        XCTAssertFalse(lock.isStillAt(directory + "/elsewhere.lock"))

        // Another name for the same file does not change what the path names.
        XCTAssertEqual(link(path, directory + "/second-name"), 0)
        XCTAssertTrue(lock.isStillAt(path))

        XCTAssertEqual(unlink(path), 0)
        XCTAssertFalse(lock.isStillAt(path), "removed")
        let successor = try locked(path)  // what another run can now take
        XCTAssertFalse(lock.isStillAt(path), "a new file at the path")
        XCTAssertTrue(successor.isStillAt(path))
    }

    func testAFileRenamedOverTheLockOrALinkToItIsNotTheLock() throws {
        let directory = scratchDirectory().path
        let path = directory + "/apply-gt.lock"
        let lock = try locked(path)
        XCTAssertTrue(FileManager.default.createFile(atPath: directory + "/other", contents: Data("4242 1\n".utf8)))
        XCTAssertEqual(rename(directory + "/other", path), 0)
        XCTAssertFalse(lock.isStillAt(path), "replaced by rename")

        let second = try locked(directory + "/b.lock")
        XCTAssertEqual(rename(directory + "/b.lock", directory + "/b-moved.lock"), 0)
        XCTAssertEqual(symlink(directory + "/b-moved.lock", directory + "/b.lock"), 0)
        XCTAssertFalse(second.isStillAt(directory + "/b.lock"), "a symbolic link at the path is not the locked file")

        second.release()
        XCTAssertFalse(second.isStillAt(directory + "/b-moved.lock"), "a released lock holds nothing")
    }
}
