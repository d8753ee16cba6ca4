import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest

/// A stream that says the same thing twice is refused by the tool that reads it, naming both
/// lines, and nothing is applied (docs/streams.md, "One record per key"): a desired project
/// twice (the last copy won, and deleted a desired alert), a current project twice (every
/// action doubled), an action twice, an instance twice.
final class DuplicateRecordTests: SimulatorTestCase {
    private var scenario: Scenario!

    /// GlitchTip holds `a` (quantity 1) and `b`; App-Interface declares `a` (quantity 2) and `b`,
    /// and `c`: one create, one update, nothing to delete.
    private func makeScenario() async throws {
        scenario = try await Scenario.make(
            for: self,
            desired: ["web": [DeclaredAlert(name: "a", quantity: 2), DeclaredAlert(name: "b"), DeclaredAlert(name: "c")]],
            current: ["web": [SimState.alert("a", quantity: 1), SimState.alert("b")]])
    }

    /// The stdout lines of a successful `script`.
    private func lines(_ script: String) throws -> [String] {
        let result = try Tools.shell(script, environment: scenario.environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.split(separator: "\n").map(String.init)
    }

    private func write(_ name: String, _ lines: [String]) throws -> String {
        let path = scenario.directory.appendingPathComponent(name).path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `lines` with `extra` inserted before line number `line` (1-based, as messages count).
    private func inserting(_ extra: String, before line: Int, in lines: [String]) -> [String] {
        var copy = lines
        copy.insert(extra, at: line - 1)
        return copy
    }

    /// The line number (1-based) of the first line matching `predicate`.
    private func lineNumber(_ lines: [String], where predicate: (JSONValue) -> Bool) throws -> Int {
        try XCTUnwrap(lines.firstIndex { (try? JSONValue(parsing: $0)).map(predicate) ?? false }) + 1
    }

    private func assertRefused(_ result: ToolResult, _ message: String, file: StaticString = #filePath, line: UInt = #line) async throws {
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains(message), "expected '\(message)' in: \(result.stderr)", file: file, line: line)
        XCTAssertEqual(try result.trailer()?["complete"], false, result.stdout, file: file, line: line)
        XCTAssertFalse(try result.body().contains { $0["kind"] == "action" || $0["kind"] == "result" }, result.stdout,
                       file: file, line: line)
        let mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 0, "a mutation from a stream with a duplicate", file: file, line: line)
    }

    func testADesiredProjectTwiceIsRefused() async throws {
        try await makeScenario()
        let d = scenario.dataDirectory
        let desired = try lines("gt-desired --data '\(d)'")
        let projectLine = try lineNumber(desired) { $0["kind"] == "project" }
        // A second copy that lacks `b`: were the last copy to win, `b` would be deleted.
        var copy = try JSONValue(parsing: desired[projectLine - 1])
        if case .object(var fields) = copy, case .array(let alerts)? = fields["alerts"] {
            fields["alerts"] = .array(alerts.filter { $0["name"] != "b" })
            copy = .object(fields)
        }
        let duplicated = try write("desired.ndjson", inserting(copy.serialized(), before: projectLine + 1, in: desired))
        let current = try write("current.ndjson", try lines("gt-current --data '\(d)' --quiet"))
        try await scenario.sim.clearRequests()

        let diff = try Tools.shell("gt-diff --desired '\(duplicated)' '\(current)'", environment: scenario.environment)
        try await assertRefused(diff, "stream, line \(projectLine + 1): project gt/nasa/web duplicates line \(projectLine)")
        let applied = try Tools.shell("gt-diff --desired '\(duplicated)' '\(current)' | gt-apply --no-dry-run",
                                      environment: scenario.environment)
        XCTAssertEqual(applied.status, 1)
        let held = try await scenario.alerts("web").compactMap { $0["name"]?.stringValue }
        XCTAssertEqual(Set(held), ["a", "b"], "a desired alert was touched")

        try await convergesCleanly()
    }

    func testACurrentProjectTwiceIsRefused() async throws {
        try await makeScenario()
        let d = scenario.dataDirectory
        let current = try lines("gt-current --data '\(d)' --quiet")
        let projectLine = try lineNumber(current) { $0["kind"] == "project" }
        let desired = try write("desired.ndjson", try lines("gt-desired --data '\(d)'"))
        let cases: [(String, String)] = [
            (current[projectLine - 1], "project gt/nasa/web duplicates line \(projectLine)"),
            (#"{"instance":"gt","kind":"missing","organization":"nasa","project":"web"}"#,
             "project gt/nasa/web duplicates line \(projectLine)"),
        ]
        try await scenario.sim.clearRequests()
        for (index, (extra, message)) in cases.enumerated() {
            let duplicated = try write("current-\(index).ndjson", inserting(extra, before: projectLine + 1, in: current))
            let diff = try Tools.shell("gt-diff --desired '\(desired)' '\(duplicated)'", environment: scenario.environment)
            try await assertRefused(diff, "stream, line \(projectLine + 1): \(message)")
            let applied = try Tools.shell("gt-diff --desired '\(desired)' '\(duplicated)' | gt-apply --no-dry-run",
                                          environment: scenario.environment)
            XCTAssertEqual(applied.status, 1)
            let mutations = try await scenario.mutations()
            XCTAssertEqual(mutations.count, 0)
        }
        try await convergesCleanly()
    }

    func testAnActionOrAnInstanceTwiceIsRefusedByGtApply() async throws {
        scenario = try await Scenario.make(
            for: self,
            desired: ["web": [DeclaredAlert(name: "a", quantity: 2), DeclaredAlert(name: "c")]],
            current: ["web": [SimState.alert("a", quantity: 1), SimState.alert("b")]])
        let d = scenario.dataDirectory
        let plan = try lines("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet)")
        let ids = try await scenario.alerts("web").reduce(into: [String: Int64]()) { $0[$1["name"]!.stringValue!] = $1["id"]!.intValue! }
        let trailer = plan.count  // duplicates go right before the trailer
        func line(_ type: String) throws -> Int { try lineNumber(plan) { $0["action_type"]?.stringValue == type } }
        let cases: [(Int, String)] = [
            (try line("create"), "a create of alert 'c' in gt/nasa/web"),
            (try line("update"), "an action on alert pk \(ids["a"]!) in gt/nasa/web"),
            (try line("delete"), "an action on alert pk \(ids["b"]!) in gt/nasa/web"),
            (try lineNumber(plan) { $0["kind"] == "instance" }, "instance gt"),
        ]
        try await scenario.sim.clearRequests()
        for (index, (original, key)) in cases.enumerated() {
            let file = try write("plan-\(index).ndjson", inserting(plan[original - 1], before: trailer, in: plan))
            let result = try Tools.shell("gt-apply --no-dry-run < '\(file)'", environment: scenario.environment)
            try await assertRefused(result, "actions stream, line \(trailer): \(key) duplicates line \(original); nothing applied")
        }
        try await convergesCleanly()
    }

    func testAnAlertTwiceInADesiredProjectIsRefused() throws {
        let alert = #"{"name":"x","quantity":1,"recipients":[{"recipient_type":"email","url":""}],"timespan_minutes":1}"#
        let desired = [
            #"{"generator":"test","kind":"header","stream":"desired","version":1}"#,
            #"{"alerts":[\#(alert),\#(alert.replacingOccurrences(of: #""quantity":1"#, with: #""quantity":5"#))],"instance":"gt","kind":"project","name":"web","organization":"nasa","project":"web"}"#,
            #"{"complete":true,"errors":0,"kind":"end","records":1,"stats":{},"stream":"desired"}"#,
        ]
        let current = [
            #"{"generator":"test","kind":"header","stream":"current","version":1}"#,
            #"{"alerts":[],"instance":"gt","kind":"project","name":"web","organization":"nasa","organization_slug":"nasa","project":"web"}"#,
            #"{"complete":true,"errors":0,"kind":"end","records":1,"stats":{},"stream":"current"}"#,
        ]
        let result = try diffHandWritten(desired: desired, current: current)
        XCTAssertEqual(result.status, 1, result.stdout)
        XCTAssertTrue(result.stderr.contains("stream, line 2: project gt/nasa/web, alert 'x': the alert is declared twice in this project"),
                      result.stderr)
        XCTAssertEqual(try result.trailer()?["complete"], false)
        XCTAssertFalse(try result.body().contains { $0["kind"] == "action" }, result.stdout)
    }

    /// After a refusal, one clean run applies and the next plan is empty.
    private func convergesCleanly(file: StaticString = #filePath, line: UInt = #line) async throws {
        let clean = try scenario.pipeline(apply: true)
        XCTAssertEqual(clean.status, 0, clean.stderr, file: file, line: line)
        XCTAssertEqual(try scenario.plan(), [], file: file, line: line)
    }
}
