import ApplyCore
import GTGlitchTip
import GTStreams
import XCTest

/// An action planned against an alert that has changed since is refused as a stale plan and
/// sends nothing (docs/rules.md, "Applying", "Fresh read first"): the fresh read, not the plan's
/// `before`, is what GlitchTip holds, and someone's change is never overwritten.
final class StalePlanTests: XCTestCase {
    private typealias F = ApplierFixture
    private let path = ApplierFixture.alertsPath

    private func failure(_ type: String, _ alert: String, _ reason: String) -> String {
        "failed: glitchtip/Org/web/\(alert): Failed to execute action \(type): \(reason)"
    }

    func testAnUpdateWhoseAlertChangedSinceThePlanIsRefusedAndSendsNothing() async throws {
        let planned = F.alert("a", pk: 7)
        let fixture = F(alerts: [F.wire(F.alert("a", quantity: 4), pk: 7)])  // someone set quantity 4
        let outcomes = await fixture.apply([F.update(planned, to: F.alert("a", quantity: 9))])
        XCTAssertEqual(outcomes, [failure("update", "a", "stale plan: alert 'a' (pk 7) changed since the plan")])
        XCTAssertEqual(fixture.log.mutations, [])
    }

    func testADeleteWhoseAlertChangedSinceThePlanIsRefusedAndSendsNothing() async throws {
        let planned = F.alert("a", pk: 7)
        let fixture = F(alerts: [F.wire(F.alert("a", recipients: [F.mail]), pk: 7)])
        let outcomes = await fixture.apply([F.delete(planned)])
        XCTAssertEqual(outcomes, [failure("delete", "a", "stale plan: alert 'a' (pk 7) changed since the plan")])
        XCTAssertEqual(fixture.log.mutations, [])
    }

    /// The pk now holds an alert of another name: renamed since the plan, not the planned one.
    func testAnAlertRenamedSinceThePlanIsNotTheOneToUpdate() async throws {
        let planned = F.alert("a", pk: 7)
        let fixture = F(alerts: [F.wire(F.alert("renamed"), pk: 7)])
        let outcomes = await fixture.apply([F.update(planned, to: F.alert("a", quantity: 9))])
        XCTAssertEqual(outcomes, [failure("update", "a", "stale plan: alert 'renamed' (pk 7) changed since the plan")])
        XCTAssertEqual(fixture.log.mutations, [])
    }

    func testAnUpdateWhoseAlertIsGoneIsRefused() async throws {
        let fixture = F(alerts: [])
        let outcomes = await fixture.apply([F.update(F.alert("a", pk: 7), to: F.alert("a", quantity: 9))])
        XCTAssertEqual(outcomes, [failure("update", "a", "stale plan: alert pk 7 no longer exists")])
        XCTAssertEqual(fixture.log.mutations, [])
    }

    func testACreateWhoseNameAppearedSinceThePlanIsRefused() async throws {
        let fixture = F(alerts: [F.wire(F.alert("new"), pk: 5)])
        let outcomes = await fixture.apply([F.create(F.alert("new", quantity: 2))])
        XCTAssertEqual(outcomes, [failure("create", "new", "stale plan: an alert named 'new' was created since the plan")])
        XCTAssertEqual(fixture.log.mutations, [])
    }

    /// One failed action does not stop the others (docs/rules.md, "Failures").
    func testAStaleActionDoesNotStopTheNextOne() async throws {
        let fixture = F(alerts: [F.wire(F.alert("a", quantity: 4), pk: 7)])
        let outcomes = await fixture.apply([F.update(F.alert("a", pk: 7), to: F.alert("a", quantity: 9)), F.create(F.alert("b"))])
        XCTAssertEqual(outcomes, [failure("update", "a", "stale plan: alert 'a' (pk 7) changed since the plan"), "applied"])
        XCTAssertEqual(fixture.log.mutations.map(\.what), ["POST \(path)"])
    }
}
