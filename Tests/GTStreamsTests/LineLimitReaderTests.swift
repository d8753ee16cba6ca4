import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// The line limit in process (docs/streams.md, "Line limit"): a line over ``LineReader``'s
/// limit is refused by number once the limit is read, the rest of it unread; a stream reader
/// names the stream and the line; a batch holds at most about one limit's worth of lines.
final class LineLimitReaderTests: XCTestCase {
    private func file(_ bytes: [UInt8]) throws -> String {
        let path = scratchDirectory().appendingPathComponent("lines").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testTheDefaultLimitIs16MiB() {
        XCTAssertEqual(LineReader.defaultMaxLineBytes, 16 << 20)
        XCTAssertEqual(LineReader(fd: 0).maxLineBytes, 16 << 20)
    }

    func testALineOfTheLimitIsReadAndOneByteMoreIsRefusedByNumber() throws {
        let limit = 1000
        let text = Array("short\n".utf8) + [UInt8](repeating: 0x61, count: limit) + [0x0A]
            + [UInt8](repeating: 0x62, count: limit + 1) + [0x0A] + Array("never read\n".utf8)
        let reader = try LineReader(path: file(text), maxLineBytes: limit)
        XCTAssertEqual(try reader.next()?.bytes.count, 5)
        XCTAssertEqual(try reader.next()?.bytes.count, limit)
        XCTAssertThrowsError(try reader.next()) { error in
            let input = error as? InputError
            XCTAssertEqual(input?.line, 3)
            XCTAssertEqual(input?.description.hasPrefix("line 3: longer than 1000 bytes"), true, "\(error)")
        }
        // Cut off at the end of the input, the same.
        let unterminated = try LineReader(path: file([UInt8](repeating: 0x63, count: limit + 1)), maxLineBytes: limit)
        XCTAssertThrowsError(try unterminated.next()) { XCTAssertEqual(($0 as? InputError)?.line, 1) }
    }

    /// The refusal comes once the limit is read: the rest of the line stays in the file.
    func testTheRestOfALongLineIsNotRead() throws {
        let limit = 1 << 20
        let path = try file([UInt8](repeating: 0x61, count: 40 << 20) + [0x0A])
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let reader = LineReader(fd: fd, maxLineBytes: limit)
        XCTAssertThrowsError(try reader.next())
        let offset = lseek(fd, 0, SEEK_CUR)
        XCTAssertLessThanOrEqual(offset, off_t(limit + (1 << 17)), "read \(offset) bytes of a 40 MiB line")
    }

    func testAStreamReaderNamesTheStreamAndTheLine() throws {
        let header = #"{"generator":"t","kind":"header","stream":"current","version":1}"#
        let long = #"{"kind":"warning","message":""# + String(repeating: "x", count: 2000) + #""}"#
        let text = header + "\n" + long + "\n" + #"{"complete":true,"errors":0,"kind":"end","records":1,"stats":{},"stream":"current"}"# + "\n"
        for batched in [false, true] {
            let reader = try StreamReader(stream: .current, lines: LineReader(path: file(Array(text.utf8)), maxLineBytes: 1000))
            XCTAssertThrowsError(try batched ? reader.forEachBatch(transform: { $0.line }) { _ in } : { _ = try reader.readAll() }()) { error in
                XCTAssertEqual((error as? StreamError)?.line, 2, "\(error)")
                XCTAssertTrue("\(error)".hasPrefix("current stream, line 2: longer than 1000 bytes"), "\(error)")
            }
        }
    }

    /// 512 lines each near the limit would be 512 limits in memory: a batch stops once it
    /// holds the limit's worth of bytes.
    func testABatchHoldsAboutOneLimitOfBytes() throws {
        let limit = 4000
        let header = #"{"generator":"t","kind":"header","stream":"current","version":1}"#
        let warning = #"{"kind":"warning","message":""# + String(repeating: "x", count: 3000) + #""}"#
        let lines = [header] + Array(repeating: warning, count: 20)
            + [#"{"complete":true,"errors":0,"kind":"end","records":20,"stats":{},"stream":"current"}"#]
        let reader = try StreamReader(stream: .current, lines: LineReader(path: file(Array((lines.joined(separator: "\n") + "\n").utf8)),
                                                                          maxLineBytes: limit))
        var sizes: [Int] = []
        try reader.forEachBatch(size: 512, transform: { $0.line }) { sizes.append($0.count) }
        XCTAssertEqual(sizes.reduce(0, +), 20)
        XCTAssertLessThanOrEqual(sizes.max() ?? 0, 2, "\(sizes)")
    }
}
