import Foundation
import GTStreams
import GTTestSupport
import ServeCore
import XCTest

/// The reference's service vectors, each a task run in process against the simulator over real
/// HTTP: GlitchTip holds organization `my-org` with project `my-project`.
final class ReconcileTaskTests: SimulatorTestCase {
    private func project(_ alerts: [JSONValue], organization: String = "my-org") -> [JSONValue] {
        [Body.organization(organization, [Body.project("my-project", alerts)])]
    }

    func testNoChanges() async throws {
        let fixture = try await ServeFixture.make(for: self, organizations: ServeFixture.myOrg([]))
        let result = try await fixture.run(fixture.body(project([])))
        XCTAssertEqual(result.json, ["status": "success", "actions": [], "applied_actions": [], "applied_count": 0, "errors": []])
    }

    func testCreate() async throws {
        let fixture = try await ServeFixture.make(for: self, organizations: ServeFixture.myOrg([]))
        let result = try await fixture.run(fixture.body(project([Body.alert("new-alert", timespan: 5, quantity: 100)])))
        XCTAssertEqual(result.json, [
            "status": "success", "applied_actions": [], "applied_count": 0, "errors": [],
            "actions": [["action_type": "create", "instance": "test-instance", "organization": "my-org", "project": "my-project",
                         "alert_name": "new-alert"]],
        ])
        let mutations = try await fixture.mutations()
        XCTAssertEqual(mutations, [], "a dry run changed GlitchTip")
    }

    func testDelete() async throws {
        let fixture = try await ServeFixture.make(for: self, organizations: ServeFixture.myOrg([
            SimState.alert("old-alert", quantity: 50, timespan: 5),
        ]))
        let result = try await fixture.run(fixture.body(project([])))
        XCTAssertEqual(result.status, .success, "\(result.errors)")
        XCTAssertEqual(result.actionLines, ["delete test-instance/my-org/my-project/old-alert"])
    }

    func testUpdate() async throws {
        let fixture = try await ServeFixture.make(for: self, organizations: ServeFixture.myOrg([
            SimState.alert("my-alert", quantity: 50, timespan: 5),
        ]))
        let result = try await fixture.run(fixture.body(project([Body.alert("my-alert", timespan: 5, quantity: 100)])))
        XCTAssertEqual(result.status, .success, "\(result.errors)")
        XCTAssertEqual(result.actionLines, ["update test-instance/my-org/my-project/my-alert"])
    }

    /// An organization GlitchTip does not have is skipped (a warning, not an error).
    func testAnUnknownOrganization() async throws {
        let fixture = try await ServeFixture.make(for: self, organizations: [])
        let result = try await fixture.run(fixture.body(project([Body.alert("a")], organization: "nonexistent-org")))
        XCTAssertEqual(result.json, ["status": "success", "actions": [], "applied_actions": [], "applied_count": 0, "errors": []])
        XCTAssertFalse(result.warnings.isEmpty, "the skip is said")
    }

    /// An instance that cannot be reached fails, naming it; the others go on.
    func testAnInstanceThatCannotBeReached() async throws {
        let fixture = try await ServeFixture.make(for: self, organizations: ServeFixture.myOrg([]))
        let closed = "http://127.0.0.1:\(try LoopbackPort.free())"
        let body = Body.request([
            Body.instance("test-instance", url: closed, organizations: project([Body.alert("a")]), readTimeout: 2),
            Body.instance("reachable", url: fixture.sim.baseURL, organizations: project([Body.alert("b")])),
        ])
        let result = try await fixture.run(body)
        XCTAssertEqual(result.status, .failed)
        XCTAssertEqual(result.errors.count, 1, "\(result.errors)")
        XCTAssertTrue(result.errors.first?.hasPrefix("test-instance") ?? false, "\(result.errors)")
        XCTAssertEqual(result.actionLines, ["create reachable/my-org/my-project/b"])
    }

    func testApply() async throws {
        let fixture = try await ServeFixture.make(for: self, organizations: ServeFixture.myOrg([]))
        let result = try await fixture.run(fixture.body(project([Body.alert("new-alert", timespan: 5, quantity: 100)]), dryRun: false))
        XCTAssertEqual(result.status, .success, "\(result.errors)")
        XCTAssertEqual(result.appliedCount, 1)
        XCTAssertEqual(result.appliedActions.map(\.alertName), ["new-alert"])
        let mutations = try await fixture.mutations()
        XCTAssertEqual(mutations, ["POST /api/0/projects/my-org/my-project/alerts/"])
        let names = try await fixture.alertNames()
        XCTAssertEqual(names, ["new-alert"])
        let again = try await fixture.run(fixture.body(project([Body.alert("new-alert", timespan: 5, quantity: 100)]), dryRun: false))
        XCTAssertEqual(again.json, ["status": "success", "actions": [], "applied_actions": [], "applied_count": 0, "errors": []])
    }
}
