import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// docs/streams.schema.json: every stream the tools write in the pipeline's situations (plan,
/// apply, failed action, upstream error, missing project, warnings, skipped, refused) matches
/// it under a real validator (Python jsonschema, scripts/lib/validate-streams.py), and a record
/// that does not match is reported with its file and line.
final class StreamSchemaTests: SimulatorTestCase {
    private var scenario: Scenario!

    private var validator: String { TestPaths.packageRoot.appendingPathComponent("scripts/lib/validate-streams.py").path }

    private func validate(_ paths: [String]) throws -> ToolResult {
        try Tools.shell("python3 '\(validator)' " + paths.map { "'\($0)'" }.joined(separator: " "))
    }

    /// Runs each tool on its own, keeping every stream in `directory/<name>.ndjson`.
    private func runPipeline(_ name: String, apply: String = "", in directory: URL) throws -> [String] {
        let d = scenario.dataDirectory
        let base = directory.appendingPathComponent(name).path
        let result = try Tools.shell("""
            gt-desired --data '\(d)' > '\(base).desired.ndjson'
            gt-current --data '\(d)' --quiet --refresh > '\(base).current.ndjson'
            gt-diff --format ndjson --desired '\(base).desired.ndjson' '\(base).current.ndjson' > '\(base).actions.ndjson'
            gt-apply --format ndjson \(apply) < '\(base).actions.ndjson' > '\(base).results.ndjson'
            true
            """, environment: scenario.environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        return ["desired", "current", "actions", "results"].map { "\(base).\($0).ndjson" }
    }

    func testEveryStreamOfThePipelineMatchesTheSchema() async throws {
        scenario = try await Scenario.make(
            for: self,
            desired: ["web": [DeclaredAlert(name: "new"), DeclaredAlert(name: "changed", quantity: 9,
                                                                         recipients: [("webhook", "https://hooks.example.com/x?t=1")])],
                      "api": [DeclaredAlert(name: "keep")], "ghost": [DeclaredAlert(name: "n")]],
            current: ["web": [SimState.alert("changed", quantity: 1), SimState.alert("old")],
                      "api": [SimState.alert("keep"), SimState.alert("chat", recipients: [("discord", "https://discord.example.com/api/webhooks/1/x")])]])
        let streams = scratchDirectory()
        var files: [String] = []
        files += try runPipeline("plan", in: streams)                         // dry run, missing project, warning
        // One failed action (a 400 on a POST), the others applied.
        try await scenario.sim.faults([["method": "POST", "path": "/api/0/projects/nasa/web/alerts/", "action": "status", "status": 400]])
        files += try runPipeline("failed", apply: "--no-dry-run", in: streams)
        // An upstream error: one project's listing fails; its error rides through to the summary.
        try await scenario.sim.faults([["method": "GET", "path": "/api/0/projects/nasa/api/alerts/", "action": "status",
                                        "status": 500, "times": 0]])
        files += try runPipeline("upstream-error", apply: "--no-dry-run", in: streams)
        try await scenario.sim.faults([])
        // Skipped as a duplicate (the run lock is held), and refused by --max-deletes.
        try await scenario.setCurrent(["web": [SimState.alert("x"), SimState.alert("y")], "api": []])
        let lock = scenario.directory.appendingPathComponent("apply-gt.lock").path
        let actions = try runPipeline("refused", apply: "--no-dry-run --max-deletes 0", in: streams)
        files += actions
        let skipped = streams.appendingPathComponent("skipped.results.ndjson").path
        XCTAssertEqual(try Tools.shell("exec 9> '\(lock)'; flock 9; gt-apply --no-dry-run --format ndjson < '\(actions[2])' > '\(skipped)'",
                                       environment: scenario.environment).status, 0)
        files.append(skipped)
        // A refused input: the trailer says complete:false.
        let incomplete = streams.appendingPathComponent("incomplete.results.ndjson").path
        _ = try Tools.shell("printf '' | gt-apply --format ndjson > '\(incomplete)'")
        files.append(incomplete)

        let kinds = try files.flatMap { try String(contentsOfFile: $0, encoding: .utf8).split(separator: "\n") }
            .compactMap { try JSONValue(parsing: String($0))["kind"]?.stringValue }
        XCTAssertEqual(Set(kinds), ["header", "end", "instance", "project", "missing", "action", "result", "summary", "warning", "error"],
                       "a record kind is not exercised")
        let skippedText = try String(contentsOfFile: skipped, encoding: .utf8)
        XCTAssertTrue(skippedText.contains(#""status":"skipped""#), skippedText)

        let result = try validate(files)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        // The failed run's streams: deletes, a failed action, a missing project, an error (upstream-error's).
        XCTAssertEqual(try Tools.shell("""
            cd '\(streams.path)' && cp failed.actions.ndjson plan.ndjson && cp plan.current.ndjson current.ndjson \\
              && cat failed.results.ndjson upstream-error.results.ndjson > results.ndjson
            """).status, 0)
        try assertDocumentedQueriesRun(in: streams)
        XCTAssertTrue(result.stdout.hasSuffix("streams: \(files.count) files, \(kinds.count) lines, 0 not matching docs/streams.schema.json\n"),
                      result.stdout)
    }

    /// The `jq` examples of docs/streams.md run on real streams (saved under the names they use).
    private func assertDocumentedQueriesRun(in streams: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let doc = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("docs/streams.md"), encoding: .utf8)
        let queries = doc.split(separator: "\n").filter { $0.hasPrefix("    jq ") || $0.hasPrefix("    tail ") }.map { $0.dropFirst(4) }
        XCTAssertGreaterThanOrEqual(queries.count, 5, file: file, line: line)
        for query in queries {
            let result = try Tools.shell("cd '\(streams.path)' && \(query)")
            XCTAssertEqual(result.status, 0, "\(query): \(result.stderr)", file: file, line: line)
            XCTAssertFalse(result.stdout.isEmpty, "\(query) found nothing", file: file, line: line)
        }
    }

    func testARecordThatDoesNotMatchIsReportedWithItsLine() throws {
        let directory = scratchDirectory()
        let header = { (stream: String) in #"{"generator":"t 1","kind":"header","stream":"\#(stream)","version":1}"# }
        let end = { (stream: String) in #"{"complete":true,"errors":0,"kind":"end","records":1,"stats":{},"stream":"\#(stream)"}"# }
        let alert = #"{"name":"a","quantity":1,"recipients":[{"recipient_type":"email","url":""}],"timespan_minutes":1}"#
        let project = #"{"alerts":[\#(alert)],"instance":"i","kind":"project","name":"p","organization":"o","project":"p"}"#
        let cases: [(name: String, stream: String, line: String, expected: String)] = [
            ("missing-required", "desired", #"{"alerts":[],"instance":"i","kind":"project","name":"p","organization":"o"}"#, "'project' is a required property"),
            ("wrong-type", "desired", project.replacingOccurrences(of: #""quantity":1"#, with: #""quantity":"1""#), "'1' is not of type 'integer'"),
            ("foreign-kind", "actions", project, "'project' is not one of"),
            ("unknown-kind", "results", #"{"kind":"surprise"}"#, "'surprise' is not one of"),
            ("update-without-pk", "actions", #"{"action_type":"update","after":\#(alert),"alert_name":"a","before":\#(alert.replacingOccurrences(of: "{\"name\"", with: "{\"pk\":1,\"name\"")),"instance":"i","kind":"action","organization":"o","project":"p"}"#, "'pk' is a required property"),
            ("skipped-with-errors", "results", #"{"actions":[],"applied_count":0,"errors":[],"kind":"summary","reason":"duplicate_task","status":"skipped"}"#, "is not of type 'null'"),
            ("wrong-version", "current", #"{"instance":"i","kind":"missing","organization":"o"}"#, "1 was expected"),
        ]
        for c in cases {
            let path = directory.appendingPathComponent("\(c.name).ndjson").path
            var lines = [header(c.stream), c.line, end(c.stream)]
            if c.name == "wrong-version" { lines[0] = lines[0].replacingOccurrences(of: #""version":1"#, with: #""version":2"#) }
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let result = try validate([path])
            XCTAssertEqual(result.status, 1, "\(c.name): \(result.stdout)")
            XCTAssertTrue(result.stdout.contains("\(path):\(c.name == "wrong-version" ? 1 : 2): "), "\(c.name): \(result.stdout)")
            XCTAssertTrue(result.stdout.contains(c.expected), "\(c.name): \(result.stdout)")
        }

        // Unknown extra fields are allowed (readers ignore them: docs/streams.md, Compatibility).
        let extra = directory.appendingPathComponent("extra.ndjson").path
        try ([header("desired"), project.replacingOccurrences(of: #""kind":"project""#, with: #""kind":"project","new_field":[1]"#),
              end("desired").replacingOccurrences(of: #""stats":{}"#, with: #""stats":{"new_counter":3}"#)]
            .joined(separator: "\n") + "\n").write(toFile: extra, atomically: true, encoding: .utf8)
        let accepted = try validate([extra])
        XCTAssertEqual(accepted.status, 0, accepted.stdout)
    }
}
