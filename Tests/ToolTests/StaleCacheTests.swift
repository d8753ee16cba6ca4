import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest

/// What gt-apply learns from its fresh read reaches the cache (docs/architecture.md): after a
/// stale-plan refusal, or an apply killed mid-way, the next cached run plans from the truth
/// instead of repeating the same plan until the TTL.
final class StaleCacheTests: SimulatorTestCase {
    private var scenario: Scenario!

    /// The plan, from a cached gt-current (the cache is filled by this run).
    private func cachedPlan() throws -> String {
        let d = scenario.dataDirectory
        let planFile = scenario.directory.appendingPathComponent("plan.ndjson").path
        let planned = try Tools.shell("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet) > '\(planFile)'",
                                      environment: scenario.environment)
        XCTAssertEqual(planned.status, 0, planned.stderr)
        return planFile
    }

    /// Someone changes alert `name` of project `web` in the UI, behind the cache (ids kept).
    private func changeInTheUI(_ name: String, quantity: Int64) async throws {
        var state = try await scenario.sim.admin(.get, "/__admin/state")
        if case .object(var root) = state, case .array(var orgs)? = root["organizations"], case .object(var org) = orgs[0],
           case .array(var projects)? = org["projects"], case .object(var web) = projects[0], case .array(var alerts)? = web["alerts"] {
            alerts = alerts.map { alert in
                guard case .object(var f) = alert, f["name"] == .string(name) else { return alert }
                f["quantity"] = .int(quantity)
                return .object(f)
            }
            web["alerts"] = .array(alerts); projects[0] = .object(web); org["projects"] = .array(projects)
            orgs[0] = .object(org); root["organizations"] = .array(orgs); state = .object(root)
        }
        try await scenario.sim.load(state)
    }

    func testAStalePlanRefusalLetsTheNextCachedRunPlanFromTheTruth() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "a", quantity: 1)]],
                                           current: ["web": [SimState.alert("a", quantity: 5)]])
        let planFile = try cachedPlan()
        try await changeInTheUI("a", quantity: 7)

        let refused = try Tools.shell("gt-apply --no-dry-run < '\(planFile)'", environment: scenario.environment)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("stale plan"), refused.stderr)

        // The next run reads the cache (no --refresh): it must plan against quantity 7, not 5.
        let next = try scenario.pipeline(apply: true)
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertEqual(try summary(next)?["applied_count"], 1)
        let a = try await scenario.alerts("web").first { $0["name"] == "a" }
        XCTAssertEqual(a?["quantity"], 1)
        let again = try scenario.pipeline()
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try summary(again)?["actions"], [], "the next cached plan is not empty")
    }

    func testAnApplyKilledMidWayLeavesNoStaleEntry() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "a", quantity: 1)]],
                                           current: ["web": [SimState.alert("a", quantity: 5)]], readTimeout: 30)
        let planFile = try cachedPlan()
        // The server stores the update, then takes its time to answer: gt-apply is killed meanwhile.
        try await scenario.sim.faults([["method": "PUT", "path": "/api/0/projects/nasa/web/alerts/", "match": "prefix",
                                        "action": "delay", "delay_ms": 20_000, "after_process": true]])
        let apply = try BackgroundTool("gt-apply", ["--no-dry-run"], stdinFile: planFile, environment: scenario.environment,
                                       scratch: scenario.directory)
        let stored = try await eventually(within: 30) {
            try await scenario.alerts("web").first { $0["name"] == "a" }?["quantity"] == 1
        }
        XCTAssertTrue(stored, "the update never reached the server")
        apply.signal(SIGKILL)
        _ = try await apply.finish(within: 60)
        try await scenario.sim.admin(.delete, "/__admin/faults")

        // The cached plan still said quantity 5: a run planned from it would fail as stale, forever.
        let next = try scenario.pipeline(apply: true)
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertEqual(try summary(next)?["actions"], [], "the next cached run planned from a stale entry")
    }
}
