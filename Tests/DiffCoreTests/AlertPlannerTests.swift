import DiffCore
import GTStreams
import XCTest

/// The planner in process (docs/rules.md, "Planning"): one project's current alerts against the
/// desired ones, without building or spawning gt-diff. The end-to-end tests keep the binary honest.
final class AlertPlannerTests: XCTestCase {
    private let hook = RecipientRecord(type: "webhook", url: "https://hooks.example/a")
    private let otherHook = RecipientRecord(type: "webhook", url: "https://hooks.example/b")
    private let mail = RecipientRecord(type: "email", url: "")

    private func alert(_ name: String, quantity: Int64 = 1, recipients: [RecipientRecord]? = nil, pk: Int64? = nil) -> AlertRecord {
        AlertRecord(name: name, timespanMinutes: 5, quantity: quantity, recipients: recipients ?? [hook], pk: pk)
    }

    private func project(_ alerts: [AlertRecord]) -> ProjectRecord {
        ProjectRecord(instance: "glitchtip", organization: "Org", organizationSlug: "org", project: "web", name: "web", alerts: alerts)
    }

    private func plan(desired: [AlertRecord], current: [AlertRecord]) -> [ActionRecord] {
        AlertPlanner.plan(desired: project(desired), current: project(current))
    }

    /// Each action as "type name pk", the shape the rules are stated in.
    private func summary(_ actions: [ActionRecord]) -> [String] {
        actions.map { "\($0.type.rawValue) \($0.alertName) \($0.pk.map(String.init) ?? "-")" }
    }

    func testCreatesWhatIsMissingUpdatesWhatDiffersDeletesWhatIsNotDesired() {
        let actions = plan(desired: [alert("b-new"), alert("a-changed", quantity: 9), alert("same")],
                           current: [alert("a-changed", pk: 3), alert("same", pk: 4), alert("old", pk: 5)])
        // Creates, then updates, then deletes, each by name.
        XCTAssertEqual(summary(actions), ["create b-new -", "update a-changed 3", "delete old 5"])
        let update = actions[1]
        XCTAssertEqual(update.before?.pk, 3)
        XCTAssertEqual(update.after?.quantity, 9)
        XCTAssertEqual(actions[0].after, alert("b-new"))
        XCTAssertNil(actions[2].after)
        XCTAssertEqual(actions.map(\.organizationSlug), ["org", "org", "org"])
    }

    func testEqualProjectsPlanNothing() {
        let alerts = [alert("one"), alert("two", recipients: [hook, mail])]
        XCTAssertEqual(plan(desired: alerts, current: alerts.enumerated().map { i, a in
            var copy = a
            copy.pk = Int64(10 + i)
            copy.extra = ["environment": .string("prod")]  // unmanaged fields do not count
            return copy
        }), [])
    }

    func testDuplicatesByNameKeepTheEquivalentOneAndDeleteTheOthersByPk() {
        let actions = plan(desired: [alert("dup", quantity: 2)],
                           current: [alert("dup", pk: 7), alert("dup", quantity: 2, pk: 9), alert("dup", pk: 8)])
        XCTAssertEqual(summary(actions), ["delete dup 7", "delete dup 8"])
    }

    func testDuplicatesWithoutAnEquivalentOneUpdateTheLowestPk() {
        let actions = plan(desired: [alert("dup", quantity: 2)], current: [alert("dup", pk: 9), alert("dup", pk: 8)])
        XCTAssertEqual(summary(actions), ["update dup 8", "delete dup 9"])
    }

    func testUnnamedAlertsAreDeletedEachByItsPk() {
        let actions = plan(desired: [alert("named")], current: [alert("", pk: 2), alert("named", pk: 3), alert("", pk: 1)])
        XCTAssertEqual(summary(actions), ["delete  1", "delete  2"])
    }

    func testRecipientsCompareAsSets() {
        // Order and repeats do not matter; pks and extra of recipients neither.
        let current = alert("set", recipients: [RecipientRecord(type: "webhook", url: hook.url, pk: 40), mail, mail], pk: 1)
        XCTAssertEqual(plan(desired: [alert("set", recipients: [mail, hook])], current: [current]), [])
        // A different member, or one more, is an update.
        XCTAssertEqual(summary(plan(desired: [alert("set", recipients: [mail, otherHook])], current: [current])), ["update set 1"])
        XCTAssertEqual(summary(plan(desired: [alert("set", recipients: [mail, hook, otherHook])], current: [current])), ["update set 1"])
        // The same URL as another type is another recipient.
        XCTAssertEqual(summary(plan(desired: [alert("set", recipients: [mail, RecipientRecord(type: "discord", url: hook.url)])],
                                    current: [current])), ["update set 1"])
    }

    func testAnEmptyDesiredProjectDeletesEveryAlert() {
        XCTAssertEqual(summary(plan(desired: [], current: [alert("x", pk: 2), alert("y", pk: 1)])), ["delete x 2", "delete y 1"])
    }
}
