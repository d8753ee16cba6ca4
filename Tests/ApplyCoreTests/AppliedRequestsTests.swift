import ApplyCore
import GTGlitchTip
import GTStreams
import XCTest

/// The requests gt-apply sends for each action (docs/rules.md, "Applying", "Requests"), in
/// process against an in-memory GlitchTip: a create is one POST of the full alert, an update a PUT
/// of the full alert that keeps the unmanaged fields, a delete a DELETE by pk; a delete whose
/// alert is already gone sends nothing.
final class AppliedRequestsTests: XCTestCase {
    private typealias F = ApplierFixture
    private let path = ApplierFixture.alertsPath

    private func json(_ text: String) throws -> JSONValue { try JSONValue(parsing: text) }

    func testACreateIsOnePOSTOfTheFullAlertAfterTheFreshRead() async throws {
        let fixture = F()
        let wanted = F.alert("new", quantity: 3, recipients: [F.hook, F.mail])
        let outcomes = await fixture.apply([F.create(wanted)])
        XCTAssertEqual(outcomes, ["applied"])
        XCTAssertEqual(fixture.log.lines, ["GET \(path)", "cache remove \(fixture.key)", "POST \(path)", "cache remove \(fixture.key)"])
        // An e-mail recipient is sent without a `url` key; `alertRecipients` is always there.
        XCTAssertEqual(fixture.log.mutations.map(\.body), [try json("""
            {"name":"new","timespanMinutes":5,"quantity":3,
             "alertRecipients":[{"recipientType":"webhook","url":"https://hooks.example/a"},{"recipientType":"email"}]}
            """)])
        XCTAssertEqual(fixture.glitchtip.alerts.count, 1)
    }

    func testAnUpdateIsAPUTOfTheFullAlertByPkKeepingTheUnmanagedFields() async throws {
        let now = F.alert("a", pk: 7, extra: ["uptime": true, "environment": "prod"])
        let fixture = F(alerts: [F.wire(now, pk: 7)])
        let outcomes = await fixture.apply([F.update(now, to: F.alert("a", quantity: 9, recipients: [F.hook, F.mail]))])
        XCTAssertEqual(outcomes, ["applied"])
        XCTAssertEqual(fixture.log.mutations.map(\.what), ["PUT \(path)7/"])
        // Every recipient and the fields gt does not manage as GlitchTip holds them (a 4.x PUT resets the rest).
        XCTAssertEqual(fixture.log.mutations.first?.body, try json("""
            {"name":"a","timespanMinutes":5,"quantity":9,"uptime":true,"environment":"prod",
             "alertRecipients":[{"recipientType":"webhook","url":"https://hooks.example/a"},{"recipientType":"email"}]}
            """))
    }

    func testADeleteIsADELETEByPk() async throws {
        let now = F.alert("old", pk: 8)
        let fixture = F(alerts: [F.wire(now, pk: 8)])
        let outcomes = await fixture.apply([F.delete(now)])
        XCTAssertEqual(outcomes, ["applied"])
        XCTAssertEqual(fixture.log.lines, ["GET \(path)", "cache remove \(fixture.key)", "DELETE \(path)8/", "cache remove \(fixture.key)"])
        XCTAssertNil(fixture.log.mutations.first?.body)
        XCTAssertEqual(fixture.glitchtip.alerts, [])
    }

    /// Already gone is the desired end state: applied, and no request but the fresh read.
    func testADeleteOfAnAlertAlreadyGoneSucceedsAndSendsNothing() async throws {
        let fixture = F(alerts: [])
        let outcomes = await fixture.apply([F.delete(F.alert("old", pk: 8))])
        XCTAssertEqual(outcomes, ["applied"])
        XCTAssertEqual(fixture.log.mutations, [])
        XCTAssertEqual(fixture.log.lines, ["GET \(path)", "cache remove \(fixture.key)", "cache write \(fixture.key)"])
    }

    /// A 404 also answers a wrong project or a missing permission: the alert still listed fails.
    func testADELETEAnswered404WhileTheAlertIsStillListedFails() async throws {
        let now = F.alert("old", pk: 8)
        let fixture = F(alerts: [F.wire(now, pk: 8)])
        fixture.glitchtip.answerDeletesWithNotFound()
        let outcomes = await fixture.apply([F.delete(now)])
        XCTAssertEqual(outcomes, ["failed: glitchtip/Org/web/old: Failed to execute action delete: "
                                  + "DELETE answered 404 but the alert is still listed"])
        XCTAssertEqual(fixture.log.lines, ["GET \(path)", "cache remove \(fixture.key)", "DELETE \(path)8/", "GET \(path)",
                                           "cache remove \(fixture.key)"])
    }

    /// A project's actions run in stream order, each on what the ones before left.
    func testAProjectsActionsRunInOrder() async throws {
        let changed = F.alert("b", pk: 2)
        let gone = F.alert("c", pk: 3)
        let fixture = F(alerts: [F.wire(changed, pk: 2), F.wire(gone, pk: 3)])
        let outcomes = await fixture.apply([F.create(F.alert("a")), F.update(changed, to: F.alert("b", quantity: 2)), F.delete(gone)])
        XCTAssertEqual(outcomes, ["applied", "applied", "applied"])
        XCTAssertEqual(fixture.log.mutations.map(\.what), ["POST \(path)", "PUT \(path)2/", "DELETE \(path)3/"])
        XCTAssertEqual(try GlitchTipDecoding.alerts(fixture.glitchtip.alerts).map(\.name), ["b", "a"])
    }
}
