import DiffCore
import GTStreams
import XCTest

/// What gt-diff decides besides a project's actions (docs/rules.md, "Planning"), in process:
/// which desired projects are skipped and why, and which desired records are refused.
final class PlanBuilderTests: XCTestCase {
    private func project(_ org: String, _ name: String, alerts: [AlertRecord] = []) -> ProjectRecord {
        ProjectRecord(instance: "glitchtip", organization: org, project: name, name: name, alerts: alerts)
    }

    func testAProjectTheCurrentStreamDoesNotMentionIsSkippedWithAWarning() {
        var builder = PlanBuilder()
        builder.unmatched(project("Org", "web"))
        XCTAssertEqual(builder.notices.map(\.level), [.warning])
        XCTAssertEqual(builder.notices.first?.message, "Project 'glitchtip/Org/web' is not in the current stream, skipping")
    }

    func testAProjectUnderAMissingScopeIsSkippedSilently() {
        var builder = PlanBuilder()
        builder.addCurrent(.missing(MissingRecord(instance: "glitchtip", organization: "Gone")))
        builder.addCurrent(.missing(MissingRecord(instance: "glitchtip", organization: "Org", project: "api")))
        builder.unmatched(project("Gone", "web"))
        builder.unmatched(project("Org", "api"))
        XCTAssertEqual(builder.notices, [])
        // A sibling of the missing project is not covered by its record.
        builder.unmatched(project("Org", "web"))
        XCTAssertEqual(builder.notices.count, 1)
    }

    func testAProjectUnderAnErrorScopeIsSkippedAndTheErrorPassesOn() {
        var builder = PlanBuilder()
        let failure = NoticeRecord(.error, instance: "glitchtip", organization: "Org", message: "listing failed")
        builder.addCurrent(.notice(failure))
        builder.unmatched(project("Org", "web"))
        XCTAssertEqual(builder.notices, [failure])
    }

    func testNoticesComeDesiredFirstThenCurrentThenSkippedByKey() {
        var builder = PlanBuilder()
        builder.unmatched(project("Org", "zeta"))
        builder.unmatched(project("Org", "alpha"))
        builder.addCurrent(.notice(NoticeRecord(.warning, message: "current")))
        builder.addDesired(.notice(NoticeRecord(.warning, message: "desired")))
        XCTAssertEqual(builder.notices.map(\.message), [
            "desired", "current",
            "Project 'glitchtip/Org/alpha' is not in the current stream, skipping",
            "Project 'glitchtip/Org/zeta' is not in the current stream, skipping",
        ])
    }

    func testADesiredProjectBreakingARuleIsRefusedNamingProjectAndAlert() {
        let hook = RecipientRecord(type: "webhook", url: "https://hooks.example/a")
        let twice = project("Org", "web", alerts: [
            AlertRecord(name: "a", timespanMinutes: 1, quantity: 1, recipients: [hook]),
            AlertRecord(name: "a", timespanMinutes: 2, quantity: 1, recipients: [hook]),
        ])
        XCTAssertThrowsError(try DesiredProjectRules.check(twice)) {
            XCTAssertTrue("\($0)".contains("glitchtip/Org/web, alert 'a': the alert is declared twice"), "\($0)")
        }
        let mailWithURL = project("Org", "web", alerts: [
            AlertRecord(name: "m", timespanMinutes: 1, quantity: 1, recipients: [RecipientRecord(type: "email", url: "x@example.com")]),
        ])
        XCTAssertThrowsError(try DesiredProjectRules.check(mailWithURL)) {
            XCTAssertTrue("\($0)".contains("an email recipient must have an empty url"), "\($0)")
            XCTAssertFalse("\($0)".contains("x@example.com"), "the URL may carry a secret: \($0)")
        }
        let hookWithoutURL = project("Org", "web", alerts: [
            AlertRecord(name: "h", timespanMinutes: 1, quantity: 1, recipients: [RecipientRecord(type: "webhook", url: "")]),
        ])
        XCTAssertThrowsError(try DesiredProjectRules.check(hookWithoutURL)) {
            XCTAssertTrue("\($0)".contains("a webhook recipient needs a url"), "\($0)")
        }
        XCTAssertNoThrow(try DesiredProjectRules.check(project("Org", "web", alerts: [
            AlertRecord(name: "ok", timespanMinutes: 1, quantity: 1, recipients: [hook, RecipientRecord(type: "email", url: "")]),
        ])))
    }

    func testADesiredAlertNeedsQuantityAndTimespan() {
        for (timespan, quantity, field) in [(1, nil, "quantity"), (nil, 1, "timespan_minutes")] as [(Int64?, Int64?, String)] {
            let partial = project("Org", "web", alerts: [AlertRecord(name: "a", timespanMinutes: timespan, quantity: quantity, recipients: [])])
            XCTAssertThrowsError(try DesiredProjectRules.check(partial)) {
                XCTAssertTrue("\($0)".contains("glitchtip/Org/web, alert 'a': a desired alert needs \(field)"), "\($0)")
            }
        }
    }

    func testTheCurrentStreamsInstanceRecordsAreRead() {
        let noToken: JSONValue = ["kind": "instance", "name": "glitchtip", "console_url": "https://glitchtip.example.com"]
        XCTAssertThrowsError(try DecodedRecord.current(StreamRecord(kind: .instance, value: noToken, line: 2))) {
            XCTAssertEqual("\($0)", "token: missing required field")
        }
    }

    func testACurrentProjectNeedsItsSlugAndItsAlertsPks() {
        let alert: JSONValue = ["name": "a", "pk": 3, "quantity": 1, "timespan_minutes": 1, "recipients": []]
        let project: JSONValue = ["kind": "project", "instance": "glitchtip", "organization": "Org", "organization_slug": "org",
                                  "project": "web", "alerts": [alert]]
        XCTAssertNoThrow(try DecodedRecord.current(StreamRecord(kind: .project, value: project, line: 2)))
        guard case .object(var fields) = project, case .object(var alertFields) = alert else { return XCTFail() }
        alertFields["pk"] = nil
        fields["alerts"] = [.object(alertFields)]
        XCTAssertThrowsError(try DecodedRecord.current(StreamRecord(kind: .project, value: .object(fields), line: 2))) {
            XCTAssertEqual("\($0)", "alerts[0].pk: missing required field")
        }
        fields["organization_slug"] = nil
        XCTAssertThrowsError(try DecodedRecord.current(StreamRecord(kind: .project, value: .object(fields), line: 2))) {
            XCTAssertEqual("\($0)", "organization_slug: missing required field")
        }
    }
}
