import Foundation
import GTStreams
import GTTestSupport
import ServeCore
import XCTest

/// A task's plan is the pipeline's plan: one fleet declared as an App-Interface data directory
/// (planned by the real binaries, `gt-desired | gt-diff <(gt-current)`) and as the reconcile
/// request the reference's client sends for it (planned by ``ReconcileTask``), against one
/// GlitchTip. The actions are compared whole: each one's pk, `before` and `after` too.
final class PipelineEquivalenceTests: SimulatorTestCase {
    private let desired: [String: [DeclaredAlert]] = [
        "api": [DeclaredAlert(name: "errors", quantity: 10, timespan: 5,
                              recipients: [("webhook", "HTTPS://Hooks.Example.com/api/../planted-hook"), ("email-project-members", nil)]),
                DeclaredAlert(name: "new-one", quantity: 2, timespan: 3)],
        "web": [DeclaredAlert(name: "same")],
        "worker": [],
        "ghost": [DeclaredAlert(name: "nowhere")],
    ]

    private let current: [String: [JSONValue]] = [
        "api": [SimState.alert("errors", quantity: 1, timespan: 5), SimState.alert("old", quantity: 7, timespan: 7)],
        "web": [SimState.alert("same")],
        "worker": [SimState.alert("a"), SimState.alert("b", recipients: [("webhook", "https://hooks.example.com/b")]),
                   SimState.alert("a", quantity: 9)],
        "unmanaged": [SimState.alert("z")],
    ]

    /// The request the client builds for `desired` (snake_case, e-mail recipients with an empty URL).
    private func request(_ scenario: Scenario, dryRun: Bool) -> JSONValue {
        let projects = desired.keys.sorted().map { name in
            Body.project(name, desired[name]!.map { alert in
                Body.alert(alert.name, timespan: Int64(alert.timespan), quantity: Int64(alert.quantity),
                           recipients: alert.recipients.map { $0.0 == "webhook" ? ("webhook", $0.1 ?? "") : ("email", "") })
            })
        }
        return Body.request([Body.instance("gt", url: scenario.sim.baseURL, organizations: [Body.organization("nasa", projects)],
                                           path: "gt/creds", readTimeout: 5, maxRetries: 1)], dryRun: dryRun)
    }

    private func task(_ scenario: Scenario, dryRun: Bool) async throws -> ReconcileResult {
        let parsed = await Body.parse(request(scenario, dryRun: dryRun))
        return await ReconcileTask.run(try XCTUnwrap(parsed.value, "\(parsed)"), environment: scenario.environment)
    }

    func testATasksActionsAreThePipelinesPlan() async throws {
        let scenario = try await Scenario.make(for: self, desired: desired, current: current)
        let pipeline = try scenario.plan()
        let served = try await task(scenario, dryRun: true)
        XCTAssertEqual(pipeline.map(\.type), [.create, .update, .delete, .delete, .delete, .delete], "the fleet plans every kind")
        XCTAssertEqual(served.actions, pipeline)
        XCTAssertEqual(served.status, .success, "\(served.errors)")
        XCTAssertTrue(served.warnings.contains { $0.contains("ghost") }, "\(served.warnings)")
    }

    /// Applied by a task, the fleet is what the pipeline then finds nothing to do for.
    func testAfterATasksApplyThePipelinePlansNothing() async throws {
        let scenario = try await Scenario.make(for: self, desired: desired, current: current)
        let applied = try await task(scenario, dryRun: false)
        XCTAssertEqual(applied.status, .success, "\(applied.errors)")
        XCTAssertEqual(applied.appliedCount, 6)
        XCTAssertEqual(try scenario.plan(), [])
        let unmanaged = try await scenario.alerts("unmanaged")
        XCTAssertEqual(unmanaged.count, 1, "an unmanaged project was touched")
    }
}
