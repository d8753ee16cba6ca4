import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// Streams the pipeline fuzzer (scripts/lib/pipeline_fuzz.py) found accepted although
/// docs/streams.md and docs/streams.schema.json say they must be refused: each was planned or
/// applied as if whole. Every reader refuses them now, naming the line, and plans or applies
/// nothing. Their minimized streams are in Tests/Fuzz/pipeline/cases/ too.
final class FuzzFindingTests: XCTestCase {
    private let instance = #"{"console_url":"https://glitchtip.example.com","kind":"instance","max_retries":3,"name":"gt","read_timeout":30,"token":{"field":"token","format":"plain","path":"gt/creds"}}"#
    private let currentProject = #"{"alerts":[{"extra":{},"name":"x","pk":7,"quantity":1,"recipients":[],"timespan_minutes":1}],"instance":"gt","kind":"project","name":"web","organization":"nasa","organization_slug":"nasa","project":"web"}"#

    private func header(_ stream: String) -> String { #"{"generator":"test","kind":"header","stream":"\#(stream)","version":1}"# }
    private func end(_ stream: String?, records: Int) -> String {
        let field = stream.map { #","stream":"\#($0)""# } ?? ""
        return #"{"complete":true,"errors":0,"kind":"end","records":\#(records),"stats":{}\#(field)}"#
    }
    private func desiredProject(_ alert: String) -> String {
        #"{"alerts":[\#(alert)],"instance":"gt","kind":"project","name":"web","organization":"nasa","project":"web"}"#
    }
    private let alert = #"{"name":"x","quantity":5,"recipients":[],"timespan_minutes":1}"#

    private func assertRefused(_ result: ToolResult, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains(message), "expected \(message) in: \(result.stderr)", file: file, line: line)
        XCTAssertEqual(try result.trailer()?["complete"], false, result.stdout, file: file, line: line)
        XCTAssertFalse(try result.body().contains { $0["kind"] == "action" || $0["kind"] == "result" }, result.stdout,
                       file: file, line: line)
    }

    /// A trailer whose `stream` is another stream's, or missing: two streams spliced by hand.
    func testATrailerOfAnotherStreamIsRefused() throws {
        for stream in ["results", nil] {
            let what = stream.map { "the end trailer is a '\($0)' stream's" } ?? "bad end trailer: stream: missing required field"
            assertRefused(try diffHandWritten(desired: [header("desired"), instance, desiredProject(alert), end(stream, records: 2)],
                                              current: [header("current"), currentProject, end("current", records: 1)]),
                          "stream, line 4: \(what)")
            assertRefused(try diffHandWritten(desired: [header("desired"), instance, desiredProject(alert), end("desired", records: 2)],
                                              current: [header("current"), currentProject, end(stream, records: 1)]),
                          "stream, line 3: \(what)")
            let actions = [header("actions"), end(stream, records: 0)].joined(separator: "\n") + "\n"
            assertRefused(try Tools.run("gt-apply", ["--format", "ndjson"], stdin: actions), "actions stream, line 2: \(what)")
        }
    }

    /// gt-diff took the current stream's instance records without reading them.
    func testTheCurrentStreamsInstanceRecordsAreRead() throws {
        let broken = [
            (#"{"console_url":"https://glitchtip.example.com","kind":"instance","name":"gt"}"#, "token: missing required field"),
            (instance.replacingOccurrences(of: #""format":"plain""#, with: #""format":true"#), "token.format: expected string, got boolean"),
            (instance.replacingOccurrences(of: "https://glitchtip", with: "https://user:pw@glitchtip"),
             "console_url: must not carry a user name or password"),
        ]
        for (record, problem) in broken {
            let result = try diffHandWritten(desired: [header("desired"), instance, desiredProject(alert), end("desired", records: 2)],
                                             current: [header("current"), record, currentProject, end("current", records: 2)])
            assertRefused(result, "stream, line 2: \(problem)")
            XCTAssertFalse(result.stderr.contains("pw@"), result.stderr)
        }
    }

    /// A desired alert without a quantity or a timespan was planned as an update to null: an
    /// alert that never fires.
    func testADesiredAlertWithoutQuantityOrTimespanIsRefused() throws {
        let cases = [
            (#"{"name":"x","recipients":[],"timespan_minutes":1}"#, "quantity"),
            (#"{"name":"x","quantity":null,"recipients":[],"timespan_minutes":1}"#, "quantity"),
            (#"{"name":"x","quantity":5,"recipients":[]}"#, "timespan_minutes"),
            (#"{"name":"x","quantity":5,"recipients":[],"timespan_minutes":null}"#, "timespan_minutes"),
        ]
        for (partial, field) in cases {
            let result = try diffHandWritten(desired: [header("desired"), instance, desiredProject(partial), end("desired", records: 2)],
                                             current: [header("current"), currentProject, end("current", records: 1)])
            assertRefused(result, "stream, line 3: project gt/nasa/web, alert 'x': a desired alert needs \(field)")
        }
    }

    /// An action whose `after` lacks a quantity or timespan would be applied as null; a `before`
    /// without its pk escaped the check that it is the action's alert.
    func testAnActionLackingWhatApplyingItNeedsIsRefused() throws {
        let update = #"{"action_type":"update","after":{"name":"x","quantity":5,"recipients":[],"timespan_minutes":1},"alert_name":"x","before":{"extra":{},"name":"x","pk":7,"quantity":1,"recipients":[],"timespan_minutes":1},"instance":"gt","kind":"action","organization":"nasa","organization_slug":"nasa","pk":7,"project":"web"}"#
        let cases = [
            (update.replacingOccurrences(of: #""after":{"name":"x","quantity":5,"#, with: #""after":{"name":"x","#),
             "after.quantity: an update needs the desired alert's quantity"),
            (update.replacingOccurrences(of: #""recipients":[],"timespan_minutes":1},"alert_name""#, with: #""recipients":[]},"alert_name""#),
             "after.timespan_minutes: an update needs the desired alert's timespan_minutes"),
            (update.replacingOccurrences(of: #""name":"x","pk":7,"#, with: #""name":"x","#),
             "before.pk: an update needs the pk of the alert as planned"),
        ]
        for (action, problem) in cases {
            XCTAssertNotEqual(action, update)
            let stream = [header("actions"), instance, action, end("actions", records: 2)].joined(separator: "\n") + "\n"
            assertRefused(try Tools.run("gt-apply", ["--format", "ndjson"], stdin: stream), "actions stream, line 3: \(problem)")
        }
    }

    /// A current project without GlitchTip's organization slug, or with an alert without its pk,
    /// was planned: the plan's API paths and pks would be guesses.
    func testACurrentProjectNeedsItsSlugAndItsAlertsPks() throws {
        let cases = [
            (currentProject.replacingOccurrences(of: #""organization_slug":"nasa","#, with: ""), "organization_slug: missing required field"),
            (currentProject.replacingOccurrences(of: #""pk":7,"#, with: ""), "alerts[0].pk: missing required field"),
        ]
        for (project, problem) in cases {
            XCTAssertNotEqual(project, currentProject)
            let result = try diffHandWritten(desired: [header("desired"), instance, desiredProject(alert), end("desired", records: 2)],
                                             current: [header("current"), project, end("current", records: 1)])
            assertRefused(result, "stream, line 2: \(problem)")
        }
    }
}
