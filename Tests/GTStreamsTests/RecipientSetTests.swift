import XCTest
@testable import GTStreams
@testable import GTGlitchTip
@testable import GTCLI

/// Alert equality compares recipients as a set of (type, normalised URL): neither their order nor a
/// repeat counts, and every URL does (docs/streams.md, "project (desired)").
final class RecipientSetTests: XCTestCase {
    private let slack = RecipientRecord(type: "webhook", url: "https://hooks.slack.example.com/services/T0/B0/s3cret")
    private let pager = RecipientRecord(type: "webhook", url: "https://pager.example.com/hook/p4ger")
    private let email = RecipientRecord(type: "email", url: "")

    private func alert(_ recipients: [RecipientRecord], pk: Int64? = nil) -> AlertRecord {
        AlertRecord(name: "errors", timespanMinutes: 5, quantity: 10, recipients: recipients, pk: pk)
    }

    func testReorderedAndRepeatedRecipientsAreTheSameSet() {
        let desired = alert([email, slack, pager])
        XCTAssertTrue(desired.isEquivalent(to: alert([pager, email, slack], pk: 7)))
        XCTAssertTrue(desired.isEquivalent(to: alert([slack, pager, slack, email, pager], pk: 7)))
        XCTAssertTrue(alert([pager, slack, slack]).isEquivalent(to: desired.with(recipients: [slack, pager])))
    }

    func testOneChangedWebhookURLIsADifference() {
        let moved = RecipientRecord(type: "webhook", url: "https://pager.example.com/hook/n3w")
        XCTAssertFalse(alert([email, slack, pager]).isEquivalent(to: alert([email, slack, moved])))
        XCTAssertFalse(alert([pager]).isEquivalent(to: alert([moved])))
        // Same URL, other type: also a difference.
        XCTAssertFalse(alert([pager]).isEquivalent(to: alert([RecipientRecord(type: "discord", url: pager.url)])))
        // A recipient more or less is a difference, even when the others repeat.
        XCTAssertFalse(alert([email, slack]).isEquivalent(to: alert([email, slack, pager])))
        XCTAssertFalse(alert([email, email, slack]).isEquivalent(to: alert([email, slack, pager])))
    }
}

private extension AlertRecord {
    func with(recipients: [RecipientRecord]) -> AlertRecord {
        var copy = self
        copy.recipients = recipients
        return copy
    }
}
