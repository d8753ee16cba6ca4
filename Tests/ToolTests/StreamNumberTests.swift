import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// Numbers in streams (docs/rules.md, "Numbers"): every numeric field of every record kind is
/// range-checked where the stream is read. gt-diff (both inputs) and gt-apply refuse a line
/// holding a number out of its field's range, naming the line and the field, exit 1 (never a
/// signal), and nothing is planned or applied.
final class StreamNumberTests: XCTestCase {
    /// Raw JSON texts no integer field may hold: a real, -1, a fraction, a string, 2^63 and
    /// -2^63-1 (past 64 bits: jansson refuses them), NaN and Infinity (no JSON form).
    static let hostile = ["1e17", "-1", "1.5", "\"10\"", "9223372036854775808", "-9223372036854775809", "NaN", "Infinity"]
    /// Past 64 bits, or no JSON: the line is malformed before any field is known.
    static let malformed: Set<String> = ["9223372036854775808", "-9223372036854775809", "NaN", "Infinity"]

    static let instance = #"{"console_url":"http://127.0.0.1:9","kind":"instance","max_retries":1,"name":"gt-test","read_timeout":5,"token":{"field":"token","format":"plain","path":"gt/test"}}"#
    static let desiredProject = #"{"alerts":[{"name":"a","quantity":1,"recipients":[{"recipient_type":"email","url":""}],"timespan_minutes":1}],"instance":"gt-test","kind":"project","name":"web","organization":"org","project":"web"}"#
    static let currentProject = #"{"alerts":[{"extra":{"uptime":false},"name":"b","pk":7,"quantity":1,"recipients":[{"pk":8,"recipient_type":"email","url":""}],"timespan_minutes":1}],"instance":"gt-test","kind":"project","name":"web","organization":"org","organization_slug":"org","project":"web"}"#
    static let update = #"{"action_type":"update","after":{"name":"b","quantity":2,"recipients":[{"recipient_type":"email","url":""}],"timespan_minutes":1},"alert_name":"b","before":{"extra":{"uptime":false},"name":"b","pk":7,"quantity":1,"recipients":[{"pk":8,"recipient_type":"email","url":""}],"timespan_minutes":1},"instance":"gt-test","kind":"action","organization":"org","organization_slug":"org","pk":7,"project":"web"}"#

    static func header(_ stream: String) -> String {
        #"{"generator":"hand-written","kind":"header","stream":"\#(stream)","version":1}"#
    }

    static func trailer(_ stream: String, _ stats: String = "{}") -> String {
        #"{"complete":true,"errors":0,"kind":"end","records":2,"stats":\#(stats),"stream":"\#(stream)"}"#
    }

    /// A stream whose every number is sound: header, instance, one project or action, trailer.
    static func lines(_ stream: String) -> [String] {
        let body = stream == "desired" ? desiredProject : stream == "current" ? currentProject : update
        return [header(stream), instance, body, trailer(stream)]
    }

    /// One numeric field of one line: `replace` in that line becomes `with(value)`.
    struct Case: Sendable {
        let stream: String
        let line: Int
        let field: String
        let replace: String
        let with: @Sendable (String) -> String
        let outOfRange: [String]
    }

    static let cases: [Case] = [
        Case(stream: "desired", line: 1, field: "version", replace: #""version":1"#, with: { #""version":\#($0)"# }, outOfRange: []),
        Case(stream: "desired", line: 2, field: "read_timeout", replace: #""read_timeout":5"#, with: { #""read_timeout":\#($0)"# },
             outOfRange: ["0", "3601", "10000000000000000"]),
        Case(stream: "desired", line: 2, field: "max_retries", replace: #""max_retries":1"#, with: { #""max_retries":\#($0)"# },
             outOfRange: ["11", "10000000000000000"]),
        Case(stream: "desired", line: 2, field: "token.version", replace: #""path":"gt/test""#,
             with: { #""path":"gt/test","version":\#($0)"# }, outOfRange: ["2147483648"]),
        Case(stream: "desired", line: 3, field: "quantity", replace: #""quantity":1"#, with: { #""quantity":\#($0)"# },
             outOfRange: ["32768", "10000000000000000"]),
        Case(stream: "desired", line: 3, field: "timespan_minutes", replace: #""timespan_minutes":1"#,
             with: { #""timespan_minutes":\#($0)"# }, outOfRange: ["32768"]),
        Case(stream: "desired", line: 4, field: "records", replace: #""records":2"#, with: { #""records":\#($0)"# },
             outOfRange: ["9007199254740993"]),
        Case(stream: "desired", line: 4, field: "errors", replace: #""errors":0"#, with: { #""errors":\#($0)"# }, outOfRange: []),
        Case(stream: "desired", line: 4, field: "requests", replace: #""stats":{}"#, with: { #""stats":{"requests":\#($0)}"# },
             outOfRange: ["9007199254740993"]),
        Case(stream: "current", line: 3, field: "pk", replace: #""pk":7"#, with: { #""pk":\#($0)"# }, outOfRange: ["0"]),
        Case(stream: "current", line: 3, field: "pk", replace: #""pk":8"#, with: { #""pk":\#($0)"# }, outOfRange: ["0"]),
        Case(stream: "current", line: 3, field: "quantity", replace: #""quantity":1"#, with: { #""quantity":\#($0)"# },
             outOfRange: ["32768"]),
        Case(stream: "current", line: 4, field: "elapsed_ms", replace: #""stats":{}"#, with: { #""stats":{"elapsed_ms":\#($0)}"# },
             outOfRange: []),
        Case(stream: "actions", line: 2, field: "read_timeout", replace: #""read_timeout":5"#, with: { #""read_timeout":\#($0)"# },
             outOfRange: ["10000000000000000"]),
        Case(stream: "actions", line: 3, field: "pk", replace: #""project":"web""#, with: { #""project":"web","pk":\#($0)"# },
             outOfRange: ["0"]),
        Case(stream: "actions", line: 3, field: "before.pk", replace: #""name":"b","pk":7"#, with: { #""name":"b","pk":\#($0)"# },
             outOfRange: ["0"]),
        Case(stream: "actions", line: 3, field: "after.quantity", replace: #""quantity":2"#, with: { #""quantity":\#($0)"# },
             outOfRange: ["32768"]),
        Case(stream: "actions", line: 4, field: "elapsed_ms", replace: #""stats":{}"#,
             with: { #""stats":{"upstream":{"current":{"elapsed_ms":\#($0)}}}"# }, outOfRange: ["9007199254740993"]),
    ]

    /// The tool that reads `stream`, over `lines`.
    private func read(_ stream: String, _ lines: [String]) throws -> ToolResult {
        let text = lines.joined(separator: "\n") + "\n"
        let dir = scratchDirectory()
        switch stream {
        case "actions":
            return try Tools.run("gt-apply", ["--format", "ndjson"], stdin: text)
        case "desired":
            let current = dir.appendingPathComponent("current.ndjson")
            try (Self.lines("current").joined(separator: "\n") + "\n").write(to: current, atomically: true, encoding: .utf8)
            return try Tools.run("gt-diff", ["--format", "ndjson", current.path], stdin: text)
        default:
            let current = dir.appendingPathComponent("current.ndjson")
            try text.write(to: current, atomically: true, encoding: .utf8)
            return try Tools.run("gt-diff", ["--format", "ndjson", current.path], stdin: Self.lines("desired").joined(separator: "\n") + "\n")
        }
    }

    func testSoundStreamsAreRead() throws {
        for stream in ["desired", "current", "actions"] {
            let result = try read(stream, Self.lines(stream))
            XCTAssertEqual(result.status, 0, "\(stream): \(result.stderr)")
        }
    }

    func testEveryNumericFieldOutOfRangeIsRefusedNamingLineAndField() throws {
        for c in Self.cases {
            var lines = Self.lines(c.stream)
            XCTAssertTrue(lines[c.line - 1].contains(c.replace), "\(c.field): the template has no \(c.replace)")
            for value in Self.hostile + c.outOfRange {
                lines = Self.lines(c.stream)
                lines[c.line - 1] = lines[c.line - 1].replacingOccurrences(of: c.replace, with: c.with(value))
                let result = try read(c.stream, lines)
                let what = "\(c.stream) stream, \(c.field) = \(value)"
                XCTAssertFalse(result.signalled || result.status >= 128, "\(what): killed by a signal: \(result.stderr.suffix(1500))")
                XCTAssertEqual(result.status, 1, "\(what) was accepted: \(result.stderr.suffix(1500))")
                XCTAssertTrue(result.stderr.contains(c.stream) && result.stderr.contains(" stream, line \(c.line): "),
                              "\(what): the line is not named: \(result.stderr)")
                if !Self.malformed.contains(value) {
                    XCTAssertTrue(result.stderr.contains(c.field), "\(what): the field is not named: \(result.stderr)")
                }
                // Nothing planned or applied from it: the refusing tool's own trailer says so.
                XCTAssertFalse(result.stdout.contains(#""kind":"action""#) && c.stream != "actions", result.stdout)
                XCTAssertFalse(result.stdout.contains(#""applied":true"#), result.stdout)
                XCTAssertTrue(result.stdout.contains(#""complete":false"#), "\(what): \(result.stdout)")
            }
        }
    }
}
