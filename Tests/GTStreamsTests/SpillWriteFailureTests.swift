import Foundation
import XCTest
@testable import GTStreams
import GTTestSupport

/// A spill file that stops taking writes part-way (a full `TMPDIR`; here the file-size limit,
/// `RLIMIT_FSIZE`, which fails `write(2)` with `EFBIG`) loses no record: what reached the file
/// is read back from it, the rest was kept in memory, in the order appended
/// (docs/architecture.md, "Bounded memory").
final class SpillWriteFailureTests: XCTestCase {
    private func records(_ count: Int) -> [EncodedRecord] {
        (0..<count).map { EncodedRecord(["kind": "warning", "message": .string("record \($0) " + String(repeating: "x", count: 500))]) }
    }

    /// Runs `body` with files limited to `bytes` (SIGXFSZ ignored, so a write past it fails).
    private func withFileSizeLimit(_ bytes: Int, _ body: () -> Void) {
        var saved = rlimit()
        getrlimit(RLIMIT_FSIZE_VALUE, &saved)
        let savedHandler = signal(SIGXFSZ, SIG_IGN)
        var limited = saved
        limited.rlim_cur = rlim_t(bytes)
        setrlimit(RLIMIT_FSIZE_VALUE, &limited)
        body()
        setrlimit(RLIMIT_FSIZE_VALUE, &saved)
        signal(SIGXFSZ, savedHandler)
    }

    /// Frames cross the 64 KB reads and writes anywhere: records of a few bytes to 1 MB, with
    /// and without a message, come back whole and in order.
    func testRecordsOfEverySizeComeBackInOrder() throws {
        let sizes = [1, 70_000, 3, 1 << 20, 65_530, 65_536, 12, 200_000] + Array(repeating: 700, count: 300)
        let held = sizes.enumerated().map { index, size in
            EncodedRecord(kind: index % 2 == 0 ? .warning : .project, bytes: Array(repeating: UInt8(97 + index % 26), count: size),
                          message: index % 3 == 0 ? nil : "message \(index) é")
        }
        let spill = RecordSpill(directory: scratchDirectory().path)
        held.forEach(spill.append)
        var drained: [EncodedRecord] = []
        spill.drain { drained.append($0) }
        XCTAssertEqual(drained.count, held.count)
        XCTAssertTrue(drained.map(\.bytes) == held.map(\.bytes), "records lost, changed or out of order")
        XCTAssertEqual(drained.map(\.message), held.map(\.message))
        XCTAssertEqual(drained.map(\.kind), held.map(\.kind))
        // Emptied: it can be used again.
        held.prefix(3).forEach(spill.append)
        var again: [EncodedRecord] = []
        spill.drain { again.append($0) }
        XCTAssertEqual(again.map(\.bytes.count), [1, 70_000, 3])
    }

    func testRecordsPastAFailedWriteAreKeptInOrder() throws {
        let held = records(1000)  // about 520 KB: the file takes the first 200 KB, then refuses
        let spill = RecordSpill(directory: scratchDirectory().path)
        withFileSizeLimit(200 << 10) { held.forEach(spill.append) }
        var drained: [EncodedRecord] = []
        spill.drain { drained.append($0) }
        XCTAssertEqual(drained.count, held.count)
        XCTAssertTrue(drained.map(\.bytes) == held.map(\.bytes), "records lost, changed or out of order")
    }
}

/// `RLIMIT_FSIZE` as `setrlimit` takes it (an enum on glibc's headers).
private let RLIMIT_FSIZE_VALUE = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
