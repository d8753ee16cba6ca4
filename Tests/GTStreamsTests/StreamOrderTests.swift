import Foundation
import XCTest
@testable import GTStreams
@testable import GTGlitchTip
@testable import GTCLI
import GTTestSupport

/// The desired and current streams are sorted by instance, organization, project (instance
/// records first), and their readers refuse a record that sorts before the one before it,
/// naming both lines (docs/streams.md, "Order"): gt-diff merges the two streams on that order.
final class StreamOrderTests: XCTestCase {
    private func refusal(_ kind: StreamKind, _ body: [String], batched: Bool = false) -> String? {
        streamRefusal(kind, body, batched: batched)
    }

    private func instance(_ name: String) -> String {
        #"{"console_url":"https://g.example","kind":"instance","name":"\#(name)","token":{"field":"f","path":"p"}}"#
    }
    private func project(_ slug: String, organization: String = "nasa", instance: String = "gt") -> String {
        #"{"alerts":[],"instance":"\#(instance)","kind":"project","name":"\#(slug)","organization":"\#(organization)","project":"\#(slug)"}"#
    }
    private func notice(_ level: String, instance: String = "gt", organization: String? = nil, project: String? = nil) -> String {
        var scope = #""instance":"\#(instance)""#
        if let organization { scope += #","organization":"\#(organization)""# }
        if let project { scope += #","project":"\#(project)""# }
        return #"{"kind":"\#(level)","message":"m","scope":{\#(scope)}}"#
    }

    func testAProjectBeforeTheOneBeforeItIsRefusedNamingBothLines() {
        for batched in [false, true] {
            XCTAssertEqual(refusal(.desired, [instance("gt"), project("web"), project("api")], batched: batched),
                           "desired stream, line 4: project gt/nasa/api is out of order: it sorts before line 3 (gt/nasa/web); "
                           + "records must be sorted by instance, organization, project")
            XCTAssertEqual(refusal(.current, [project("web", organization: "nasa"), project("web", organization: "esa")],
                                   batched: batched),
                           "current stream, line 3: project gt/esa/web is out of order: it sorts before line 2 (gt/nasa/web); "
                           + "records must be sorted by instance, organization, project")
        }
    }

    func testInstanceRecordsComeFirstAndScopesBeforeWhatIsUnderThem() {
        XCTAssertEqual(refusal(.current, [instance("gt"), project("web"), instance("zz")]),
                       "current stream, line 4: instance zz is out of order: it sorts before line 3 (gt/nasa/web); "
                       + "records must be sorted by instance, organization, project")
        // An organization's error comes before its projects: after them, it is refused.
        XCTAssertEqual(refusal(.current, [project("web"), notice("error", organization: "nasa")]),
                       "current stream, line 3: error record for gt/nasa is out of order: it sorts before line 2 (gt/nasa/web); "
                       + "records must be sorted by instance, organization, project")
        XCTAssertEqual(refusal(.current, [project("a", instance: "b"), #"{"instance":"a","kind":"missing","organization":"o"}"#]),
                       "current stream, line 3: organization a/o is out of order: it sorts before line 2 (b/nasa/a); "
                       + "records must be sorted by instance, organization, project")
        XCTAssertNil(refusal(.current, [
            instance("a"), instance("gt"), notice("error"), notice("warning", organization: "esa"),
            #"{"instance":"gt","kind":"missing","organization":"esa"}"#, notice("error", organization: "nasa"),
            project("api"), notice("error", organization: "nasa", project: "web"), notice("warning", organization: "nasa", project: "web"),
            project("web"), project("a", organization: "nasa-eu"), project("a", instance: "gu"),
        ]))
    }

    func testOrderIsByteOrderOfTheParts() {
        // "nasa" < "nasa-eu" as parts, though "nasa/" > "nasa-" as text.
        XCTAssertNil(refusal(.desired, [project("z", organization: "nasa"), project("a", organization: "nasa-eu")]))
        XCTAssertNotNil(refusal(.desired, [project("a", organization: "nasa-eu"), project("z", organization: "nasa")]))
        // Upper case before lower case, as bytes.
        XCTAssertNil(refusal(.desired, [project("Web"), project("api")]))
    }

    func testADuplicateFarApartIsStillRefused() {
        // The reader keeps only the keys of the position it is at; a duplicate after others is out of order.
        XCTAssertEqual(refusal(.desired, [project("api"), project("web"), project("api")]),
                       "desired stream, line 4: project gt/nasa/api is out of order: it sorts before line 3 (gt/nasa/web); "
                       + "records must be sorted by instance, organization, project")
        XCTAssertEqual(refusal(.current, [project("web"), #"{"instance":"gt","kind":"missing","organization":"nasa","project":"web"}"#]),
                       "current stream, line 3: project gt/nasa/web duplicates line 2")
    }

    func testActionsAndResultsStreamsAreNotHeldToTheOrder() {
        let create = { (project: String) in
            #"{"action_type":"create","after":{"name":"a","quantity":1,"recipients":[],"timespan_minutes":1},"alert_name":"a","instance":"gt","kind":"action","organization":"nasa","project":"\#(project)"}"#
        }
        XCTAssertNil(refusal(.actions, [instance("gt"), notice("warning", organization: "zz"), create("web"), create("api")]))
    }
}
