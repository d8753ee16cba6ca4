@testable import GTCLI
import GTStreams
import XCTest

/// The plan as text for people: a changed recipient set shows the old and new URLs redacted,
/// and recipients only reordered or repeated show nothing to change (docs/streams.md,
/// "project (desired)").
final class PlanTextTests: XCTestCase {
    private let pager = RecipientRecord(type: "webhook", url: "https://pager.example.com/hook/p4ger")
    private let email = RecipientRecord(type: "email", url: "")

    private func alert(_ recipients: [RecipientRecord]) -> AlertRecord {
        AlertRecord(name: "errors", timespanMinutes: 5, quantity: 10, recipients: recipients, pk: nil)
    }

    func testThePlanShowsTheOldAndNewURLRedacted() {
        let moved = RecipientRecord(type: "webhook", url: "https://pager2.example.com/hook/n3w")
        let line = PlanText(color: false).changes(alert([email, pager]), alert([moved, email]))
        XCTAssertTrue(line.hasPrefix("recipients ["), line)
        XCTAssertTrue(line.contains("pager.example.com"), line)
        XCTAssertTrue(line.contains("pager2.example.com"), line)
        XCTAssertFalse(line.contains("p4ger"), line)
        XCTAssertFalse(line.contains("n3w"), line)
        // Reordered and repeated recipients print nothing to change.
        XCTAssertEqual(PlanText(color: false).changes(alert([email, pager]), alert([pager, email, pager])),
                       "no managed field differs")
    }
}
