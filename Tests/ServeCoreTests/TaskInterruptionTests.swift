import ApplyRun
import Foundation
import GTStreams
import GTTestSupport
import ServeCore
import XCTest

/// A task told to stop (a server shutting down) stops as gt-apply stops on SIGTERM
/// (docs/streams.md, "interrupted"): no new change starts, and the task reads `failed`, its
/// error saying what was not attempted, never `success`.
final class TaskInterruptionTests: SimulatorTestCase {
    private let twoCreates = [Body.organization("my-org", [Body.project("p1", [Body.alert("n")]), Body.project("p2", [Body.alert("n")])])]

    private func fixture() async throws -> ServeFixture {
        try await ServeFixture.make(for: self, organizations: [
            SimState.organization("my-org", projects: [SimState.project("p1"), SimState.project("p2")]),
        ])
    }

    private func created(_ fixture: ServeFixture) async throws -> Int {
        let state = try await fixture.sim.admin(.get, "/__admin/state")
        let projects = state["organizations"]?.arrayValue?.first?["projects"]?.arrayValue ?? []
        return projects.reduce(0) { $0 + ($1["alerts"]?.arrayValue?.count ?? 0) }
    }

    func testATaskInterruptedMidApplyStartsNothingNewAndReadsFailed() async throws {
        let fixture = try await fixture()
        // Each create is stored at once and answered 3 s later: the window to interrupt in.
        try await fixture.sim.faults([["method": "POST", "path": "/api/0/projects/", "match": "prefix", "times": 0,
                                       "action": "delay", "delay_ms": 3000, "after_process": true]])
        var settings = ReconcileTask.Settings()
        settings.applyConcurrency = 1
        let interruption = RunInterruption()
        let body = fixture.body(twoCreates, dryRun: false)
        let task = Task { [settings] in try await fixture.run(body, settings: settings, interruption: interruption) }
        let started = try await eventually(within: 30) { try await self.created(fixture) >= 1 }
        XCTAssertTrue(started, "no create reached the server")
        interruption.receive(SIGTERM) { _ in }
        let result = try await task.value
        XCTAssertEqual(result.status, .failed)
        XCTAssertEqual(result.actions.count, 2)
        XCTAssertEqual(result.appliedCount, 1, "the create under way was finished")
        XCTAssertEqual(result.errors, ["interrupted by SIGTERM: 1 of 2 actions not attempted; the next run plans from what GlitchTip then holds"])
        let posts = try await fixture.mutations()
        XCTAssertEqual(posts.count, 1, "a change started after the interruption")
    }

    /// Interrupted before it applies (while reading), a task changes nothing.
    func testATaskInterruptedBeforeItAppliesChangesNothing() async throws {
        let fixture = try await fixture()
        let interruption = RunInterruption()
        interruption.receive(SIGTERM) { _ in }
        let result = try await fixture.run(fixture.body(twoCreates, dryRun: false), interruption: interruption)
        XCTAssertEqual(result.status, .failed)
        XCTAssertEqual(result.appliedCount, 0)
        XCTAssertEqual(result.errors, ["interrupted by SIGTERM: 2 of 2 actions not attempted; the next run plans from what GlitchTip then holds"])
        let posts = try await fixture.mutations()
        XCTAssertEqual(posts, [])
    }
}
