import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// SIGTERM or SIGINT during gt-apply (docs/streams.md, "interrupted"): no new change starts,
/// the results stream says what was attempted, ends with a summary `interrupted` and its
/// trailer, the exit status is 128 + the signal; the next run converges.
final class ApplyInterruptTests: SimulatorTestCase {
    private var scenario: Scenario!

    private static let projects = (1...6).map { "p\($0)" }

    /// Six projects with one alert to create each; every POST is stored at once, answered after
    /// `delay` ms.
    private func slowCreates(delay: Int64) async throws -> String {
        scenario = try await Scenario.make(for: self,
                                           desired: Dictionary(uniqueKeysWithValues: Self.projects.map { ($0, [DeclaredAlert(name: "n")]) }),
                                           current: Dictionary(uniqueKeysWithValues: Self.projects.map { ($0, []) }), readTimeout: 30)
        let d = scenario.dataDirectory
        let planFile = scenario.directory.appendingPathComponent("plan.ndjson").path
        let planned = try Tools.shell("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet) > '\(planFile)'",
                                      environment: scenario.environment)
        XCTAssertEqual(planned.status, 0, planned.stderr)
        try await scenario.sim.faults([["method": "POST", "path": "/api/0/projects/", "match": "prefix", "times": 0,
                                        "action": "delay", "delay_ms": .int(delay), "after_process": true]])
        return planFile
    }

    /// Alerts GlitchTip holds in the six projects (one read of the simulator's state).
    private func createdCount() async throws -> Int {
        let state = try await scenario.sim.admin(.get, "/__admin/state")
        let projects = state["organizations"]?.arrayValue?.first?["projects"]?.arrayValue ?? []
        return projects.reduce(0) { $0 + ($1["alerts"]?.arrayValue?.count ?? 0) }
    }

    private func assertConverges(file: StaticString = #filePath, line: UInt = #line) async throws {
        try await scenario.sim.admin(.delete, "/__admin/faults")
        let clean = try scenario.pipeline(apply: true)
        XCTAssertEqual(clean.status, 0, clean.stderr, file: file, line: line)
        XCTAssertEqual(try scenario.plan(), [], file: file, line: line)
        for project in Self.projects {
            let names = try await scenario.alerts(project).map { $0["name"]?.stringValue ?? "" }
            XCTAssertEqual(names, ["n"], project, file: file, line: line)
        }
    }

    func testSIGTERMMidApplyReportsWhatWasAttemptedAndStartsNothingNew() async throws {
        // 3 s for this test to see the first create stored and signal, before its answer comes.
        let planFile = try await slowCreates(delay: 3000)
        let apply = try BackgroundTool("gt-apply", ["--no-dry-run", "--concurrency", "1"], stdinFile: planFile,
                                       environment: scenario.environment, scratch: scenario.directory)
        let started = try await eventually(within: 30) { try await self.createdCount() >= 1 }
        XCTAssertTrue(started, "no create reached the server")
        apply.signal(SIGTERM)
        let result = try await apply.finish(within: 30)

        XCTAssertEqual(result.status, 143, result.stderr)
        let records = try result.records()
        XCTAssertEqual(records.first?["kind"], "header")
        let trailer = try XCTUnwrap(records.last)
        XCTAssertEqual(trailer["kind"], "end")
        XCTAssertEqual(trailer["complete"], true)
        let results = records.filter { $0["kind"] == "result" }
        XCTAssertEqual(results.count, 1, "one action was attempted: \(results)")
        XCTAssertEqual(results.first?["applied"], true, "the create under way was finished")
        let summary = try XCTUnwrap(records.first { $0["kind"] == "summary" })
        XCTAssertEqual(summary["status"], "interrupted")
        XCTAssertEqual(summary["reason"], "SIGTERM")
        XCTAssertEqual(summary["applied_count"], 1)
        XCTAssertEqual(summary["applied_actions"]?.arrayValue?.count, 1)
        XCTAssertEqual(summary["actions"]?.arrayValue?.count, 6)
        XCTAssertEqual(summary["errors"], ["interrupted by SIGTERM: 5 of 6 actions not attempted; the next run plans from what GlitchTip then holds"])
        XCTAssertTrue(result.stderr.contains("SIGTERM: no new request starts"), result.stderr)
        // No change started after the signal.
        let posts = try await scenario.mutations().filter { $0["method"] == "POST" }
        XCTAssertEqual(posts.count, 1)
        let created = try await createdCount()
        XCTAssertEqual(created, 1)

        try await assertConverges()
    }

    func testSIGINTWhileARequestHangsReportsItsOutcomeAsUnknown() async throws {
        // The answer takes longer than gt-apply waits after a signal (5 s): it reports without it.
        let planFile = try await slowCreates(delay: 25_000)
        let apply = try BackgroundTool("gt-apply", ["--no-dry-run", "--concurrency", "1", "--format", "text"], stdinFile: planFile,
                                       environment: scenario.environment, scratch: scenario.directory)
        let started = try await eventually(within: 30) { try await self.createdCount() >= 1 }
        XCTAssertTrue(started, "no create reached the server")
        apply.signal(SIGINT)
        let result = try await apply.finish(within: 60)
        XCTAssertEqual(result.status, 130, result.stderr)
        XCTAssertTrue(result.stdout.contains("whether it was applied is unknown"), result.stdout)
        XCTAssertTrue(result.stdout.contains("Interrupted by SIGINT: applied 0 of 6 actions, 5 not attempted; status interrupted."), result.stdout)
        try await assertConverges()
    }

    func testASignalWhileThePlanIsReadEndsTheRunAtOnceWithAnIncompleteStream() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
        // stdin stays open: gt-apply waits for the rest of the plan.
        let apply = try BackgroundTool("gt-apply", ["--no-dry-run"], stdinFile: nil, environment: scenario.environment,
                                       scratch: scenario.directory)
        let listening = try await eventually(within: 30) { apply.isCatching(SIGTERM) }
        XCTAssertTrue(listening, "gt-apply never listened to SIGTERM")
        apply.signal(SIGTERM)
        let result = try await apply.finish(within: 60)
        XCTAssertEqual(result.status, 143)
        let records = try result.records()
        XCTAssertEqual(records.map { $0["kind"] }, ["header", "end"])
        XCTAssertEqual(records.last?["complete"], false)
        let log = try await scenario.sim.requestLog()
        XCTAssertEqual(log.requests.count, 0)
    }

    func testTheReconcileTimeoutStopsGtApplyWhichReports() async throws {
        // The creates under way at the timeout are answered within gt-apply's 5 s grace.
        _ = try await slowCreates(delay: 6000)
        let script = TestPaths.packageRoot.appendingPathComponent("scripts/gt-reconcile").path
        let result = try Tools.shell("'\(script)' --data '\(scenario.dataDirectory)' --no-dry-run --format ndjson --timeout 5",
                                     environment: scenario.environment.merging(["GT_BIN_DIR": Tools.binDirectory.path]) { $1 })
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("Glitchtip project alerts task did not complete within the timeout period"), result.stderr)
        let records = try result.records()
        XCTAssertEqual(records.first?["kind"], "header")
        XCTAssertEqual(records.last?["kind"], "end")
        let summary = try XCTUnwrap(records.first { $0["kind"] == "summary" }, result.stdout)
        XCTAssertEqual(summary["status"], "interrupted")
        XCTAssertEqual(summary["reason"], "SIGTERM")
        // gt-apply runs 4 projects at a time: those were under way; none started after the timeout.
        // Each create is answered 6 s after it arrived, which is after the 5 s timeout (the run
        // began before it arrived): a create that arrived once another had been answered started
        // after the timeout. Compared on the simulator's one clock, not against a guessed start.
        let posts = try await scenario.mutations().filter { $0["method"] == "POST" }
        XCTAssertLessThanOrEqual(posts.count, 4)
        let firstAnswer = posts.compactMap { $0["answered"]?.number }.min() ?? .infinity
        XCTAssertTrue(posts.allSatisfy { ($0["received"]?.number ?? .infinity) < firstAnswer }, "a change started after the timeout")
        XCTAssertEqual(records.filter { $0["kind"] == "result" }.count, posts.count)
        try await assertConverges()
    }
}
