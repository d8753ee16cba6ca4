import Foundation
import XCTest
@testable import GTStreams
import GTTestSupport

/// Spill files (docs/architecture.md, "Bounded memory") are made in `TMPDIR`, else `/tmp`,
/// never with a name anyone can open, mode 0600: glibc's `tmpfile(3)`, used before, ignored
/// `TMPDIR`. `O_TMPFILE` first, `mkstemp` and `unlink` where the file system has none; a
/// directory where neither works leaves the records in memory.
final class SpillFileTests: XCTestCase {
    /// Where `fd` is, as the kernel names it (`/dir/#123 (deleted)` for an `O_TMPFILE`).
    private func target(_ fd: Int32) -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")) ?? ""
    }

    /// The descriptors of this process that lead into `directory`.
    private func descriptors(into directory: String) -> [String] {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.compactMap { Int32($0).map(target) }.filter { $0.hasPrefix(directory + "/") }
    }

    private func assertUnlinkedPrivate(_ fd: Int32, in directory: String, line: UInt = #line) throws {
        var info = stat()
        XCTAssertEqual(fstat(fd, &info), 0, line: line)
        XCTAssertEqual(info.st_mode & 0o777, 0o600, line: line)
        XCTAssertEqual(info.st_nlink, 0, "the file has a name", line: line)
        XCTAssertTrue(target(fd).hasPrefix(directory + "/"), target(fd), line: line)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), [], line: line)
        XCTAssertEqual(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC, line: line)
        try SystemCall.writeAll(fd, Array("spilled".utf8), at: 0)
        var back = [UInt8](repeating: 0, count: 7)
        XCTAssertEqual(try SystemCall.read(fd, into: &back, at: 0), 7, line: line)
        XCTAssertEqual(back, Array("spilled".utf8), line: line)
    }

    func testTheFileIsInTheDirectoryNamelessAndPrivate() throws {
        let dir = scratchDirectory().path
        let fd = try SystemCall.unlinkedTemporaryFile(in: dir)
        defer { SystemCall.close(fd) }
        try assertUnlinkedPrivate(fd, in: dir)
        let fallback = try SystemCall.namedThenUnlinked(in: dir)
        defer { SystemCall.close(fallback) }
        try assertUnlinkedPrivate(fallback, in: dir)
    }

    func testAMissingOrUnusableDirectoryIsAnError() throws {
        let file = scratchDirectory().appendingPathComponent("a-file").path
        _ = FileManager.default.createFile(atPath: file, contents: Data())
        for dir in ["/nonexistent-\(UUID().uuidString)", file] {
            XCTAssertThrowsError(try SystemCall.unlinkedTemporaryFile(in: dir)) { XCTAssertTrue($0 is Errno, "\($0)") }
            XCTAssertThrowsError(try SystemCall.namedThenUnlinked(in: dir)) { XCTAssertTrue($0 is Errno, "\($0)") }
        }
    }

    func testTMPDIRDecidesAndDefaultsToTmp() {
        XCTAssertEqual(SystemCall.temporaryDirectory(environment: ["TMPDIR": "/srv/spill"]), "/srv/spill")
        XCTAssertEqual(SystemCall.temporaryDirectory(environment: ["TMPDIR": ""]), "/tmp")
        XCTAssertEqual(SystemCall.temporaryDirectory(environment: [:]), "/tmp")
    }

    private func records(_ count: Int) -> [EncodedRecord] {
        (0..<count).map { EncodedRecord(["kind": "warning", "message": .string("record \($0) " + String(repeating: "x", count: 500))]) }
    }

    func testRecordSpillGoesToItsDirectoryAndFallsBackToMemory() throws {
        let dir = scratchDirectory().path
        let held = records(400)  // 200 KB: past the 64 KB kept in memory
        let spill = RecordSpill(directory: dir)
        held.forEach(spill.append)
        XCTAssertEqual(descriptors(into: dir).count, 1, "\(descriptors(into: dir))")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
        var drained: [EncodedRecord] = []
        spill.drain { drained.append($0) }
        XCTAssertEqual(drained.map(\.bytes), held.map(\.bytes))

        let nowhere = RecordSpill(directory: "/nonexistent-\(UUID().uuidString)")
        held.forEach(nowhere.append)
        var kept: [EncodedRecord] = []
        nowhere.drain { kept.append($0) }
        XCTAssertEqual(kept.map(\.bytes), held.map(\.bytes))
    }
}
