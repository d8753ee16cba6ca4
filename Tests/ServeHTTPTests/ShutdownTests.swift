import Foundation
import GTStreams
import GTTestSupport
import Hummingbird
import ServeCore
@testable import ServeHTTP
import XCTest


private let path = ServeHarness.path

/// Shutting down loses no task: no new one is taken (503), a queued one reads `failed` (never
/// started), a running one is interrupted after the grace and reads `failed` saying what was
/// not attempted, one that still does not end is cut off and reads `failed`; none stays
/// `pending`.
final class ShutdownTests: SimulatorTestCase {
    private let twoCreates = [Requests.organization("my-org", [Requests.project("p1", [Requests.alert("n")]),
                                                               Requests.project("p2", [Requests.alert("n")])])]

    private func twoProjects(for test: SimulatorTestCase) async throws -> ServeHarness {
        try await ServeHarness.make(for: test, organizations: [
            SimState.organization("my-org", projects: [SimState.project("p1"), SimState.project("p2")]),
        ])
    }

    func testWhileDrainingAPostIs503AndHealthSaysSo() async throws {
        let harness = try await ServeHarness.make(for: self)
        let token = harness.token()
        let body = harness.body(Requests.myProject([]))
        let runner = harness.runner()
        try await harness.test(runner) { client in
            let before = try await client.send(.post, path, token: token, json: body)
            let id = try XCTUnwrap(before.json?["id"]?.stringValue, before.text)
            // Drained once it left the queue (a queued task is failed, never started): the pool's
            // task may not have run yet when the 202 is answered.
            let started = try await eventually(within: 30) { runner.store.ids(in: .queued).isEmpty }
            XCTAssertTrue(started, "the task never left the queue")
            let cut = await runner.drain(signal: SIGTERM, grace: .seconds(60), cutoff: .seconds(60))
            XCTAssertEqual(cut, [])
            let after = try await client.send(.post, path, token: token, json: body)
            XCTAssertEqual(after.status.code, 503)
            XCTAssertEqual(after.json, ["detail": "gt-serve is shutting down: it takes no new task"])
            let health = try await client.send(.get, "/health", token: nil)
            XCTAssertEqual(health.status.code, 200, "liveness: still serving")
            XCTAssertEqual(health.json, ["status": "shutting down"])
            let ready = try await client.send(.get, "/health?ready=1", token: nil)
            XCTAssertEqual(ready.status.code, 503)
            let earlier = try await client.send(.get, "\(path)/\(id)", token: token)
            XCTAssertEqual(earlier.json?["status"], "success", "a task that finished in the grace keeps its result: \(earlier.text)")
        }
    }

    /// An apply mid-way when the grace ends: interrupted as gt-apply is by SIGTERM, the change
    /// under way finished, none started after; a queued apply never starts.
    func testARunningApplyIsInterruptedAndAQueuedOneNeverStarts() async throws {
        var setup = try await twoProjects(for: self)
        setup.settings.applyConcurrency = 1
        setup.settings.task.applyConcurrency = 1
        let harness = setup
        // Each create is stored at once and answered 3 s later: the window to shut down in.
        try await harness.sim.faults([["method": "POST", "path": "/api/0/projects/", "match": "prefix", "times": 0,
                                       "action": "delay", "delay_ms": 3000, "after_process": true]])
        let token = harness.token()
        let running = harness.body(twoCreates, dryRun: false)
        let queued = harness.body(Requests.myProject([Requests.alert("queued")]), dryRun: false)
        let runner = harness.runner()
        try await harness.test(runner) { client in
            let first = try await client.send(.post, path, token: token, json: running).json?["id"]?.stringValue
            let second = try await client.send(.post, path, token: token, json: queued).json?["id"]?.stringValue
            let (firstID, secondID) = (try XCTUnwrap(first), try XCTUnwrap(second))
            let started = try await eventually(within: 30) { try await harness.mutations().count >= 1 }
            XCTAssertTrue(started, "no create reached GlitchTip")
            let cut = await runner.drain(signal: SIGTERM, grace: .zero, cutoff: .seconds(60))
            XCTAssertEqual(cut, [])
            let interrupted = try await client.send(.get, "\(path)/\(firstID)", token: token).json
            XCTAssertEqual(interrupted?["status"], "failed")
            XCTAssertEqual(interrupted?["applied_count"], 1, "the create under way was finished")
            XCTAssertEqual(interrupted?["errors"], [
                "interrupted by SIGTERM: 1 of 2 actions not attempted; the next run plans from what GlitchTip then holds",
            ])
            let never = try await client.send(.get, "\(path)/\(secondID)", token: token).json
            XCTAssertEqual(never, ["status": "failed", "actions": [], "applied_actions": [], "applied_count": 0,
                                   "errors": ["gt-serve shut down before the task started: nothing was done"]])
        }
        let mutations = try await harness.mutations()
        XCTAssertEqual(mutations.count, 1, "a change started after the shutdown: \(mutations)")
        let ends = harness.log.parsed.filter { $0["event"] == "task" }
        XCTAssertEqual(Set(ends.compactMap { $0["status"]?.stringValue }), ["failed"], "\(harness.log.all)")
        XCTAssertEqual(ends.count, 2, "each task's end is logged once: \(harness.log.all)")
    }

    /// A task that does not end even interrupted (its interruption is only seen once it
    /// applies) is cut off after the cutoff: `failed`, saying its changes are unknown; a GET
    /// waiting for it is answered then.
    func testATaskThatDoesNotEndIsCutOffAndReadsFailed() async throws {
        let harness = try await ServeHarness.make(for: self)
        let token = harness.token()
        let body = harness.body(Requests.myProject([]))
        let runner = harness.runner { _, _ in
            try? await Task.sleep(for: .seconds(3600))
            return ReconcileResult(status: .success)
        }
        try await harness.test(runner) { client in
            let posted = try await client.send(.post, path, token: token, json: body)
            let id = try XCTUnwrap(posted.json?["id"]?.stringValue, posted.text)
            let running = try await eventually(within: 30) { runner.store.ids(in: .running) == [id] }
            XCTAssertTrue(running, "the task did not leave its queue")
            async let waiting = client.send(.get, "\(path)/\(id)?timeout=300", token: token)
            let cut = await runner.drain(signal: SIGTERM, grace: .zero, cutoff: .zero)
            XCTAssertEqual(cut, [id])
            let answer = try await waiting
            XCTAssertEqual(answer.status.code, 200)
            XCTAssertEqual(answer.json?["status"], "failed")
            let error = answer.json?["errors"]?.arrayValue?.first?.stringValue ?? ""
            XCTAssertTrue(error.hasPrefix("gt-serve shut down while the task was running and cut it off"), error)
        }
    }
}
