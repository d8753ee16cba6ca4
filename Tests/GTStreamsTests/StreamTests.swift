import Foundation
import XCTest
@testable import GTStreams
@testable import GTGlitchTip
@testable import GTCLI
import GTTestSupport

final class StreamTests: XCTestCase {
    private func write(_ text: String) throws -> String {
        let path = scratchDirectory().appendingPathComponent("stream.ndjson").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func reader(_ text: String, _ kind: StreamKind = .current) throws -> StreamReader {
        try StreamReader(stream: kind, lines: LineReader(path: write(text)))
    }

    /// Reads the whole stream and returns the refusal's text.
    private func refusal(_ text: String, _ kind: StreamKind = .current, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            let r = try reader(text, kind)
            _ = try r.readAll()
            XCTFail("stream was accepted", file: file, line: line)
            return ""
        } catch {
            return "\(error)"
        }
    }

    private let header = #"{"generator":"test","kind":"header","stream":"current","version":1}"#
    private let project = #"{"alerts":[],"instance":"i","kind":"project","name":"p","organization":"o","project":"p"}"#
    /// The n-th of many distinct projects (a stream holds each project once, in order: the
    /// number is zero-padded so that byte order is numeric order).
    private func project(_ n: Int) -> String {
        #"{"alerts":[],"instance":"i","kind":"project","name":"p","organization":"o","project":"p\#(String(format: "%06d", n))"}"#
    }
    private func end(_ records: Int, complete: Bool = true) -> String {
        #"{"complete":\#(complete),"errors":0,"kind":"end","records":\#(records),"stats":{},"stream":"current"}"#
    }

    func testWriterFramesAndCountsAndReaderReadsBack() throws {
        let dir = scratchDirectory()
        let path = dir.appendingPathComponent("out.ndjson").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        let writer = StreamWriter(stream: .current, generator: "gt-test 0.1.0", output: FileOutput(fd: fd))
        let records: [JSONValue] = [
            ["kind": "instance", "name": "a", "console_url": "https://x", "token": ["path": "p", "field": "f"]],
            // An instance-scoped error sorts before the instance's projects (docs/streams.md, "Order").
            ["kind": "error", "scope": ["instance": "a"], "message": "boom"],
            ["kind": "project", "instance": "a", "organization": "o", "project": "p", "name": "p", "alerts": []],
        ]
        records.forEach(writer.write)
        writer.finish(stats: ["requests": 3])
        close(fd)

        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 6)  // header, 3 records, trailer, "" after the last \n
        XCTAssertEqual(String(lines[0]), #"{"generator":"gt-test 0.1.0","kind":"header","stream":"current","version":1}"#)
        XCTAssertEqual(String(lines[4]),
                       #"{"complete":true,"errors":1,"kind":"end","records":3,"stats":{"requests":3},"stream":"current"}"#)

        let reader = try StreamReader(stream: .current, lines: LineReader(path: path))
        let read = try reader.readAll()
        XCTAssertEqual(read.map(\.value), records)
        XCTAssertEqual(read.map(\.kind), [.instance, .error, .project])
        XCTAssertEqual(read.map(\.line), [2, 3, 4])
        XCTAssertEqual(reader.trailer, StreamTrailer(complete: true, records: 3, errors: 1, stats: ["requests": 3]))
        XCTAssertEqual(reader.generator, "gt-test 0.1.0")
    }

    func testRefusesEmptyInputAndMissingHeader() {
        XCTAssertEqual(refusal(""), "current stream: is empty: no header (did the producer fail before writing anything?)")
        XCTAssertEqual(refusal(project + "\n" + end(1) + "\n"),
                       "current stream, line 1: expected a header record first, got kind 'project'")
    }

    func testRefusesAnotherMajorVersion() {
        let v2 = header.replacingOccurrences(of: #""version":1"#, with: #""version":2"#)
        XCTAssertEqual(refusal(v2 + "\n" + end(0) + "\n"),
                       "current stream, line 1: unsupported protocol version 2 (this tool reads version 1)")
    }

    func testRefusesTheWrongStream() {
        XCTAssertEqual(refusal(header + "\n" + end(0) + "\n", .desired),
                       "desired stream, line 1: is a 'current' stream, expected 'desired'")
    }

    func testRefusesMalformedLineWithItsNumber() {
        let message = refusal([header, project, #"{"kind":"project","#, end(2)].joined(separator: "\n") + "\n")
        XCTAssertTrue(message.hasPrefix("current stream, line 3: malformed JSON: "), message)
        XCTAssertEqual(refusal([header, "[1,2]", end(1)].joined(separator: "\n") + "\n"),
                       "current stream, line 2: expected a JSON object, got array")
    }

    func testRefusesUnknownAndForeignRecordKinds() {
        XCTAssertEqual(refusal([header, #"{"kind":"bogus"}"#, end(1)].joined(separator: "\n") + "\n"),
                       "current stream, line 2: unknown record kind 'bogus' in a current stream")
        XCTAssertEqual(refusal([header, #"{"kind":"action"}"#, end(1)].joined(separator: "\n") + "\n"),
                       "current stream, line 2: unknown record kind 'action' in a current stream")
        XCTAssertEqual(refusal([header, #"{"name":"x"}"#, end(1)].joined(separator: "\n") + "\n"),
                       "current stream, line 2: kind: missing required field")
    }

    func testRefusesAStreamWithoutTrailer() {
        XCTAssertEqual(refusal([header, project].joined(separator: "\n") + "\n"),
                       "current stream: ended after 1 records without an end trailer: the producer died or was cut off")
        // Cut off in the middle of a line: the last line has no newline.
        XCTAssertEqual(refusal(header + "\n" + String(project.prefix(20))),
                       "current stream, line 2: line is cut off (no newline at the end): the producer stopped mid-write")
    }

    func testAcceptsAFilteredStreamThatKeepsItsFrame() throws {
        // jq 'select(.kind != "project" or …)' keeps header and trailer: the count no longer matches.
        let r = try reader([header, project, end(2)].joined(separator: "\n") + "\n")
        XCTAssertEqual(try r.readAll().count, 1)
        XCTAssertEqual(r.trailer?.records, 2)
    }

    func testRefusesIncompleteTrailerAndTrailingData() {
        XCTAssertEqual(refusal([header, end(0, complete: false)].joined(separator: "\n") + "\n"),
                       "current stream, line 2: the producer marked this stream incomplete (complete:false); refusing to act on it")
        XCTAssertEqual(refusal([header, end(0), project].joined(separator: "\n") + "\n"),
                       "current stream, line 3: data after the end trailer")
    }

    func testRefusesATrailerOfAnotherStream() {
        let results = end(0).replacingOccurrences(of: #""stream":"current""#, with: #""stream":"results""#)
        XCTAssertEqual(refusal([header, results].joined(separator: "\n") + "\n"),
                       "current stream, line 2: the end trailer is a 'results' stream's, expected 'current'")
        let none = end(0).replacingOccurrences(of: #","stream":"current""#, with: "")
        XCTAssertEqual(refusal([header, none].joined(separator: "\n") + "\n"),
                       "current stream, line 2: bad end trailer: stream: missing required field")
    }

    func testReaderStreamsLinesLongerThanItsChunk() throws {
        // One record far larger than the 64 KiB read chunk, then many small ones.
        let big = String(repeating: "x", count: 300_000)
        var lines = [header, #"{"kind":"warning","message":"\#(big)","scope":{}}"#]
        lines += (0..<5000).map(project)
        lines.append(end(5001))
        let r = try reader(lines.joined(separator: "\n") + "\n")
        let records = try r.readAll()
        XCTAssertEqual(records.count, 5001)
        XCTAssertEqual(records[0].value["message"]?.stringValue?.count, 300_000)
        XCTAssertEqual(records.last?.line, 5002)
    }

    /// The batched, parallel reader gives the same records and the same refusals as `next()`.
    func testBatchedReadingMatchesRecordByRecordReading() throws {
        var lines = [header] + (0..<1500).map(project)
        lines.append(end(1500))
        let text = lines.joined(separator: "\n") + "\n"
        var batches: [Int] = []
        var kinds: [RecordKind] = []
        try reader(text).forEachBatch(size: 512, transform: { $0.kind }) { batch in
            batches.append(batch.count)
            kinds += batch
        }
        XCTAssertEqual(batches, [512, 512, 476])  // the last batch of lines holds the trailer
        XCTAssertEqual(kinds.count, 1500)

        func batchRefusal(_ text: String) -> String {
            do {
                try reader(text).forEachBatch(size: 4, transform: { $0.line }) { _ in }
                return "accepted"
            } catch { return "\(error)" }
        }
        let malformed = [header, project, project(1), #"{"kind":"#, end(3)].joined(separator: "\n") + "\n"
        XCTAssertEqual(batchRefusal(malformed), refusal(malformed))
        let trailing = [header, project, end(1), project].joined(separator: "\n") + "\n"
        XCTAssertEqual(batchRefusal(trailing), "current stream, line 4: data after the end trailer")
        let cut = [header, project, project(1)].joined(separator: "\n") + "\n"
        XCTAssertEqual(batchRefusal(cut), refusal(cut))
        let failing = [header, project, end(1)].joined(separator: "\n") + "\n"
        do {
            try reader(failing).forEachBatch(transform: { _ in throw JSONFieldError(path: "alerts", message: "bad") }) { _ in }
            XCTFail("a failing transform was ignored")
        } catch {
            XCTAssertEqual("\(error)", "current stream, line 2: alerts: bad")
        }
    }

    func testRecordOrderIsStable() {
        let records: [JSONValue] = [
            ["kind": "project", "instance": "b", "organization": "o", "project": "a"],
            ["kind": "project", "instance": "a", "organization": "z", "project": "a"],
            ["kind": "instance", "name": "b"],
            ["kind": "missing", "instance": "a", "organization": "b"],
            ["kind": "instance", "name": "a"],
        ]
        let sorted = records.sorted(by: RecordOrder.areInIncreasingOrder)
        XCTAssertEqual(sorted.map { $0["kind"]!.stringValue! + ":" + ($0["name"] ?? $0["instance"]!).stringValue! },
                       ["instance:a", "instance:b", "missing:a", "project:a", "project:b"])
    }
}
