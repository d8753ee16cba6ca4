import Foundation
import XCTest
@testable import GTStreams
import GTTestSupport

/// Directory walking and whole-file reads on plain system calls (docs/architecture.md, "Bounded
/// memory"): what each entry is, links to directories never descended (so a link loop cannot
/// hang a walk), hidden names listed, files read whole whatever their size.
final class DirectoryListingTests: XCTestCase {
    private let manager = FileManager.default

    private func types(_ path: String) throws -> [String: DirectoryListing.EntryType] {
        Dictionary(uniqueKeysWithValues: try DirectoryListing.entries(path).map { ($0.name, $0.type) })
    }

    func testEntriesAndWhatEachIs() throws {
        let dir = scratchDirectory().path
        try manager.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: false)
        try "a".write(toFile: dir + "/file.yml", atomically: true, encoding: .utf8)
        try "h".write(toFile: dir + "/.hidden.yml", atomically: true, encoding: .utf8)
        try manager.createSymbolicLink(atPath: dir + "/to-file", withDestinationPath: "file.yml")
        try manager.createSymbolicLink(atPath: dir + "/to-sub", withDestinationPath: "sub")
        try manager.createSymbolicLink(atPath: dir + "/dangling", withDestinationPath: "nowhere")
        XCTAssertEqual(mkfifo(dir + "/fifo", 0o600), 0)

        XCTAssertEqual(try types(dir), [
            "sub": .directory, "file.yml": .file, ".hidden.yml": .file,
            // A link counts as what it points to, except a link to a directory: never descended.
            "to-file": .file, "to-sub": .other, "dangling": .other, "fifo": .other,
        ])
        XCTAssertEqual(try types(dir + "/sub"), [:])
    }

    func testALinkLoopIsNotDescendedAndTheWalkEnds() throws {
        let dir = scratchDirectory().path
        try manager.createDirectory(atPath: dir + "/a/b", withIntermediateDirectories: true)
        try "x".write(toFile: dir + "/a/b/x.yml", atomically: true, encoding: .utf8)
        try manager.createSymbolicLink(atPath: dir + "/a/b/loop", withDestinationPath: "..")
        try manager.createSymbolicLink(atPath: dir + "/a/up", withDestinationPath: dir)

        // Descends what `entries` calls a directory, as DataDirectory does; on another thread,
        // so a walk that follows the loop fails the test instead of hanging the suite.
        let found = WalkResult()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var pending = [dir]
            var files: [String] = []
            var error: (any Error)?
            while let next = pending.popLast(), files.count < 10_000 {
                do {
                    for entry in try DirectoryListing.entries(next) {
                        switch entry.type {
                        case .directory: pending.append(next + "/" + entry.name)
                        case .file: files.append(String((next + "/" + entry.name).dropFirst(dir.count)))
                        case .other: continue
                        }
                    }
                } catch let failure {
                    error = failure
                    break
                }
            }
            found.set(files: files, error: error)
            done.signal()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success, "the walk did not end")
        let (files, error) = found.get()
        XCTAssertNil(error)
        XCTAssertEqual(files, ["/a/b/x.yml"])
    }

    /// A directory that cannot be listed is its errno (permissions, which root bypasses, are
    /// checked through gt-desired in DataDirectoryWalkTests).
    func testADirectoryThatCannotBeListedIsItsErrno() throws {
        let file = scratchDirectory().path + "/plain"
        XCTAssertTrue(manager.createFile(atPath: file, contents: Data()))
        XCTAssertThrowsError(try DirectoryListing.entries(file)) { XCTAssertEqual(($0 as? Errno)?.rawValue, ENOTDIR) }
        XCTAssertThrowsError(try DirectoryListing.entries(file + "-missing")) { XCTAssertEqual($0 as? Errno, .noSuchFile) }
    }

    func testContentsOfEmptySmallAndLargeFiles() throws {
        let dir = scratchDirectory().path
        XCTAssertTrue(manager.createFile(atPath: dir + "/empty", contents: Data()))
        XCTAssertEqual(try DirectoryListing.contents(of: dir + "/empty"), [])
        XCTAssertTrue(manager.createFile(atPath: dir + "/one", contents: Data([7])))
        XCTAssertEqual(try DirectoryListing.contents(of: dir + "/one"), [7])
        // Larger than 64 KB and not a multiple of any buffer size.
        let large = (0..<(200_000 + 17)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        XCTAssertTrue(manager.createFile(atPath: dir + "/large", contents: Data(large)))
        XCTAssertEqual(try DirectoryListing.contents(of: dir + "/large"), large)
        // A file that is not regular (the size stat gives is 0) is still read whole.
        XCTAssertEqual(try DirectoryListing.contents(of: "/proc/self/cmdline").isEmpty, false)
        XCTAssertThrowsError(try DirectoryListing.contents(of: dir + "/missing")) { XCTAssertEqual($0 as? Errno, .noSuchFile) }
    }
}

/// What the walking thread found, handed to the test's thread.
private final class WalkResult: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [String] = []
    private var error: (any Error)?

    func set(files: [String], error: (any Error)?) {
        lock.withLock { (self.files, self.error) = (files, error) }
    }

    func get() -> ([String], (any Error)?) { lock.withLock { (files, error) } }
}
