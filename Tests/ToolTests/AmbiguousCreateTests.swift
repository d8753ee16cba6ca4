import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest

/// A create whose fate is unknown is never sent again in the same run (docs/safety.md, "The
/// transport never resends" and "An ambiguous create is never sent again"): gt looks, and when
/// the alert is not there (yet) the action fails as "outcome unknown"; the next run converges.
final class AmbiguousCreateTests: SimulatorTestCase {
    private var scenario: Scenario!
    private let alertsPath = "/api/0/projects/nasa/web/alerts/"

    private func make(readTimeout: Int = 5) async throws -> Scenario {
        try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "new"), DeclaredAlert(name: "kept")]],
                                current: ["web": [SimState.alert("kept")]], readTimeout: readTimeout)
    }

    private func posts() async throws -> Int {
        try await scenario.mutations().filter { $0["method"] == "POST" }.count
    }

    private func alertsNamed(_ name: String) async throws -> Int {
        try await scenario.alerts("web").filter { $0["name"]?.stringValue == name }.count
    }

    /// Waits (generously) until the simulator holds an alert named `name`.
    private func waitForAlert(_ name: String) async throws {
        let landed = try await eventually(within: 30) { try await self.alertsNamed(name) > 0 }
        XCTAssertTrue(landed, "'\(name)' never landed")
    }

    /// A clean run after the fault: it succeeds, the next plan is empty, one alert per name.
    private func assertConverges(file: StaticString = #filePath, line: UInt = #line) async throws {
        try await scenario.sim.admin(.delete, "/__admin/faults")
        let clean = try scenario.pipeline(apply: true)
        XCTAssertEqual(clean.status, 0, clean.stderr, file: file, line: line)
        XCTAssertEqual(try scenario.plan().count, 0, "the next plan is not empty", file: file, line: line)
        for name in ["new", "kept"] {
            let count = try await alertsNamed(name)
            XCTAssertEqual(count, 1, "alerts named '\(name)'", file: file, line: line)
        }
    }

    private func createResult(_ result: ToolResult) throws -> JSONValue? {
        try result.body().first { $0["kind"] == "result" && $0["action"]?["action_type"] == "create" }
    }

    // Item 1: libcurl resent a POST on its own when a reused keep-alive connection died after
    // the request was sent; the server had stored it, so two alerts and `success`.
    func testAPOSTWhoseReusedConnectionIsResetAfterTheServerStoredItIsSentOnce() async throws {
        scenario = try await make()
        try await scenario.sim.faults([["method": "POST", "path": .string(alertsPath), "action": "reset_after"]])
        let result = try scenario.pipeline(apply: true)
        let postCount = try await posts()
        XCTAssertEqual(postCount, 1, "the POST was sent again: \(result.stderr)")
        let stored = try await alertsNamed("new")
        XCTAssertEqual(stored, 1)
        // gt looked after the lost answer and found the alert as desired.
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try createResult(result)?["applied"], true)
        try await assertConverges()
    }

    // Item 2: the server stores the alert only after the client gave up; the listing right after
    // does not show it yet. gt must not POST again in this run.
    func testASlowCommitIsNotCreatedAgainInTheSameRun() async throws {
        scenario = try await make(readTimeout: 1)
        try await scenario.sim.faults([["method": "POST", "path": .string(alertsPath), "action": "late_commit", "delay_ms": 6000]])
        let result = try scenario.pipeline(apply: true)
        XCTAssertEqual(result.status, 1, result.stderr)
        let postCount = try await posts()
        XCTAssertEqual(postCount, 1, "the create was sent again in the same run")
        let created = try XCTUnwrap(createResult(result))
        XCTAssertEqual(created["applied"], false)
        let error = created["error"]?.stringValue ?? ""
        XCTAssertTrue(error.hasPrefix("gt/nasa/web/new: Failed to execute action create: "), error)
        XCTAssertTrue(error.contains("outcome unknown"), error)
        XCTAssertTrue(error.contains("re-plan"), error)
        XCTAssertEqual(try summary(result)?["status"], "failed")
        // The delayed commit lands; the next run sees it and creates nothing.
        try await waitForAlert("new")
        try await assertConverges()
        let total = try await posts()
        XCTAssertEqual(total, 1)
    }

    // Item 2, behind a gateway: the proxy answers 504 at once while the backend commits later.
    func testAGatewayTimeoutWhileTheBackendStillCommitsIsNotCreatedAgain() async throws {
        scenario = try await make()
        try await scenario.sim.faults([["method": "POST", "path": .string(alertsPath), "action": "late_commit",
                                        "delay_ms": 4000, "status": 504]])
        let result = try scenario.pipeline(apply: true)
        XCTAssertEqual(result.status, 1, result.stderr)
        let postCount = try await posts()
        XCTAssertEqual(postCount, 1, "the create was sent again in the same run")
        let error = try createResult(result)?["error"]?.stringValue ?? ""
        XCTAssertTrue(error.contains("HTTP 504") && error.contains("outcome unknown"), error)
        try await waitForAlert("new")
        try await assertConverges()
    }

    // A POST that fails before anything was stored is not resent either; the next run creates it.
    func testAnAmbiguousFailureWithNothingStoredConvergesOnTheNextRun() async throws {
        scenario = try await make()
        try await scenario.sim.faults([["method": "POST", "path": .string(alertsPath), "action": "reset"]])
        let result = try scenario.pipeline(apply: true)
        XCTAssertEqual(result.status, 1, result.stderr)
        let postCount = try await posts()
        XCTAssertEqual(postCount, 1)
        let stored = try await alertsNamed("new")
        XCTAssertEqual(stored, 0)
        try await assertConverges()
    }
}
