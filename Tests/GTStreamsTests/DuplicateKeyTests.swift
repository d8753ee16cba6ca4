import Foundation
import XCTest
@testable import GTStreams
@testable import GTGlitchTip
import GTTestSupport

/// Every stream reader refuses a second record for a key already seen, naming both lines
/// (docs/streams.md, "One record per key"); records of kinds that may repeat pass.
final class DuplicateKeyTests: XCTestCase {
    private func refusal(_ kind: StreamKind, _ body: [String], batched: Bool = false) -> String? {
        streamRefusal(kind, body, batched: batched)
    }

    private let instance = #"{"console_url":"https://g.example","kind":"instance","name":"gt","token":{"field":"f","path":"p"}}"#
    private func project(_ slug: String, organization: String = "nasa") -> String {
        #"{"alerts":[],"instance":"gt","kind":"project","name":"\#(slug)","organization":"\#(organization)","project":"\#(slug)"}"#
    }
    private func action(_ type: String, _ name: String, pk: Int? = nil, slug: String? = nil, project: String = "web") -> String {
        var fields = #""action_type":"\#(type)","alert_name":"\#(name)","instance":"gt","kind":"action","organization":"nasa","project":"\#(project)""#
        if let slug { fields += #","organization_slug":"\#(slug)""# }
        let alert = #"{"name":"\#(name)","quantity":1,"recipients":[],"timespan_minutes":1\#(pk.map { ",\"pk\":\($0)" } ?? "")}"#
        if let pk { fields += #","pk":\#(pk),"before":\#(alert)"# }
        if type != "delete" { fields += #","after":{"name":"\#(name)","quantity":2,"recipients":[],"timespan_minutes":1}"# }
        return "{" + fields + "}"
    }

    func testTheSameProjectTwiceIsRefusedNamingBothLines() {
        for batched in [false, true] {
            XCTAssertEqual(refusal(.desired, [instance, project("api"), project("web"), project("web")], batched: batched),
                           "desired stream, line 5: project gt/nasa/web duplicates line 4")
            XCTAssertEqual(refusal(.current, [project("web"), #"{"instance":"gt","kind":"missing","organization":"nasa","project":"web"}"#],
                                   batched: batched),
                           "current stream, line 3: project gt/nasa/web duplicates line 2")
            XCTAssertEqual(refusal(.current, [#"{"instance":"gt","kind":"missing","organization":"nasa"}"#,
                                              #"{"instance":"gt","kind":"missing","organization":"nasa"}"#], batched: batched),
                           "current stream, line 3: organization gt/nasa duplicates line 2")
            XCTAssertEqual(refusal(.desired, [instance, instance], batched: batched),
                           "desired stream, line 3: instance gt duplicates line 2")
        }
        // The same slug in another organization or instance is another project.
        XCTAssertNil(refusal(.desired, [instance, project("web", organization: "esa"), project("web")]))
    }

    func testTheSameAlertActedOnTwiceIsRefused() {
        XCTAssertEqual(refusal(.actions, [instance, action("delete", "b", pk: 4), action("delete", "b", pk: 4)]),
                       "actions stream, line 4: an action on alert pk 4 in gt/nasa/web duplicates line 3")
        XCTAssertEqual(refusal(.actions, [action("update", "a", pk: 4), action("delete", "a", pk: 4)]),
                       "actions stream, line 3: an action on alert pk 4 in gt/nasa/web duplicates line 2")
        XCTAssertEqual(refusal(.actions, [action("create", "c"), action("create", "c")], batched: true),
                       "actions stream, line 3: a create of alert 'c' in gt/nasa/web duplicates line 2")
        // Two spellings of one GlitchTip organization are one organization.
        XCTAssertEqual(refusal(.actions, [action("create", "c", slug: "nasa"), action("create", "c", slug: "nasa").replacingOccurrences(
            of: #""organization":"nasa""#, with: #""organization":"NASA""#)]),
                       "actions stream, line 3: a create of alert 'c' in gt/nasa/web duplicates line 2")
        // Duplicates GlitchTip holds are deleted by their own pks; other projects are other keys.
        XCTAssertNil(refusal(.actions, [action("delete", "b", pk: 4), action("delete", "b", pk: 5), action("create", "b", project: "api"),
                                        action("create", "b")]))
    }

    func testWarningsErrorsAndResultsMayRepeat() {
        let warning = #"{"kind":"warning","message":"m","scope":{"instance":"gt"}}"#
        let error = #"{"kind":"error","message":"m","scope":{"instance":"gt"}}"#
        XCTAssertNil(refusal(.current, [warning, warning, error, error]))
    }
}
