import AppInterface
import DesiredCore
import GTStreams
import XCTest

/// The record a valid project builds to (docs/rules.md, "Desired state"): where it is, its slug,
/// alerts sorted by the UTF-8 bytes of their names, each alert's recipients sorted.
final class ProjectRecordShapeTests: XCTestCase {
    private typealias M = DesiredModel

    func testTheRecordNamesInstanceOrganizationSlugAndName() throws {
        var project = M.project("My Web App", organization: "Org", alerts: [M.alert("a", quantity: .int(3), timespan: .int(7))])
        let record = try XCTUnwrap(M.record(M.build(project)))
        XCTAssertEqual(record, ProjectRecord(instance: "glitchtip", organization: "Org", project: "my-web-app", name: "My Web App",
                                             alerts: [AlertRecord(name: "a", timespanMinutes: 7, quantity: 3,
                                                                  recipients: [RecipientRecord(type: "email", url: "")])]))
        project.projectID = "custom-slug"
        XCTAssertEqual(M.record(M.build(project))?.project, "custom-slug")
        // No alerts: a record with none (its GlitchTip alerts are all deleted).
        XCTAssertEqual(M.record(M.build(M.project()))?.alerts, [])
    }

    func testAlertsAreSortedByTheUTF8BytesOfTheirNames() {
        // `e` + combining acute is `é` to Swift's String order (after `f`), but its UTF-8 bytes
        // start with `e` (before `f`); `Z` is before `a`; `è` is after all of them.
        let names = ["f", "\u{E8}", "e\u{301}", "a", "Z", "Glitchtip"]
        let record = M.record(M.build(M.project(alerts: names.map { M.alert($0) })))
        XCTAssertEqual(record?.alerts.map(\.name), ["Glitchtip", "Z", "a", "e\u{301}", "f", "\u{E8}"])
    }

    func testTheBridgeAlertIsSortedAmongTheOthers() {
        let jira = AppInterfaceModel.Jira(project: "PROJ", components: [], labels: [], escalationPolicy: nil)
        let record = M.record(M.build(M.project(alerts: [M.alert("zz"), M.alert("Alpha")], jira: jira)))
        XCTAssertEqual(record?.alerts.map(\.name), ["Alpha", "Glitchtip-Jira-Bridge-Integration", "zz"])
    }

    func testRecipientsAreSortedByTypeThenURL() {
        let record = M.record(M.build(M.project(alerts: [M.alert("a", [
            M.webhook("https://hooks.example.com/b"), .email(url: nil), M.webhook("https://hooks.example.com/B"),
            M.webhook("https://hooks.example.com/a"),
        ])])))
        XCTAssertEqual(record?.alerts.first?.recipients.map { "\($0.type) \($0.url)" }, [
            "email ", "webhook https://hooks.example.com/B", "webhook https://hooks.example.com/a", "webhook https://hooks.example.com/b",
        ])
    }

    /// An empty slug would put two API path segments side by side (`/projects/org//alerts/`).
    func testAProjectWhoseSlugIsEmptyIsRefusedNamingIt() {
        XCTAssertEqual(M.errors(M.build(M.project("!!!", origin: "bang.yml"))),
                       ["bang.yml: project '!!!': its GlitchTip slug is empty: slugify keeps no letter or digit of the name; set projectId"])
        var project = M.project("web", origin: "web.yml")
        project.projectID = ""
        XCTAssertEqual(M.errors(M.build(project)), ["web.yml: project 'web': projectId must not be empty"])
    }
}
