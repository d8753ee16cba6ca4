import ApplyCore
import GTGlitchTip
import GTStreams
import XCTest
import GTHTTP

/// A create is sent at most once per run (docs/safety.md, "An ambiguous create is never sent
/// again"): after an ambiguous failure the project's alerts are listed once; the alert listed
/// and as desired is applied, anything else fails for the next run to re-plan, and the POST is
/// never sent a second time.
final class CreateSentOnceTests: XCTestCase {
    private typealias F = ApplierFixture
    private let path = ApplierFixture.alertsPath
    private let url = RedactedURL("https://glitchtip.example.com/api/0/projects/org/web/alerts/")
    private let unknown = "outcome unknown: the create was not sent again; re-plan (run again) to converge"

    private var timeout: HTTPError { .transport(code: 28, message: "Operation timed out after 2000 milliseconds", url: url) }

    private func failure(_ reason: String) -> String {
        "failed: glitchtip/Org/web/new: Failed to execute action create: \(reason)"
    }

    func testAnAlertStoredBeforeTheAnswerWasLostIsFoundAndNotSentAgain() async throws {
        let fixture = F()
        fixture.glitchtip.failNextCreate(.storeThenFail(timeout))
        let outcomes = await fixture.apply([F.create(F.alert("new"))])
        XCTAssertEqual(outcomes, ["applied"])
        XCTAssertEqual(fixture.log.lines, ["GET \(path)", "cache remove \(fixture.key)", "POST \(path)", "GET \(path)",
                                           "cache remove \(fixture.key)"])
        XCTAssertEqual(fixture.glitchtip.alerts.count, 1)
    }

    /// A 504 from a gateway while the backend goes on is ambiguous too.
    func testA5xxAfterTheServerStoredTheAlertIsFoundAndNotSentAgain() async throws {
        let fixture = F()
        fixture.glitchtip.failNextCreate(.storeThenFail(.status(504, url: url, detail: "Gateway Timeout")))
        let outcomes = await fixture.apply([F.create(F.alert("new"))])
        XCTAssertEqual(outcomes, ["applied"])
        XCTAssertEqual(fixture.log.mutations.count, 1)
    }

    /// Not listed proves nothing (a slow commit may land later): unknown, and no second POST.
    func testAnAlertNotListedAfterAnAmbiguousFailureIsAnUnknownOutcomeNeverASecondPOST() async throws {
        let fixture = F()
        fixture.glitchtip.failNextCreate(.failWithoutStoring(timeout))
        let outcomes = await fixture.apply([F.create(F.alert("new"))])
        XCTAssertEqual(outcomes, [failure("\(timeout); the alert is not listed (yet), but the server may still store it; \(unknown)")])
        XCTAssertEqual(fixture.log.mutations.map(\.what), ["POST \(path)"])
        XCTAssertEqual(fixture.log.lines, ["GET \(path)", "cache remove \(fixture.key)", "POST \(path)", "GET \(path)",
                                           "cache remove \(fixture.key)"])
        XCTAssertEqual(fixture.glitchtip.alerts, [])
    }

    func testAListingThatFailsAfterAnAmbiguousFailureIsAnUnknownOutcome() async throws {
        let fixture = F()
        fixture.glitchtip.failNextCreate(.failWithoutStoring(timeout))
        fixture.glitchtip.failListings([nil, .status(502, url: url, detail: "")])
        let outcomes = await fixture.apply([F.create(F.alert("new"))])
        XCTAssertEqual(outcomes, [failure("\(timeout); the alerts could not be listed to check whether it was created; \(unknown)")])
        XCTAssertEqual(fixture.log.mutations.count, 1)
    }

    func testAnAlertOfThatNameThatDiffersIsNotTakenForTheCreatedOne() async throws {
        let fixture = F()
        fixture.glitchtip.failNextCreate(.storeOtherThenFail(F.wire(F.alert("new", quantity: 50), pk: 60), timeout))
        let outcomes = await fixture.apply([F.create(F.alert("new"))])
        XCTAssertEqual(outcomes, [failure("\(timeout); an alert named 'new' now exists but differs from the desired one")])
        XCTAssertEqual(fixture.log.mutations.count, 1)
    }

    /// Connection refused sent nothing: a plain failure, nothing to look up.
    func testAFailureThatCertainlySentNothingFailsPlainly() async throws {
        let fixture = F()
        let refused = HTTPError.transport(code: 7, message: "Couldn't connect to server", url: url)
        fixture.glitchtip.failNextCreate(.failWithoutStoring(refused))
        let outcomes = await fixture.apply([F.create(F.alert("new"))])
        XCTAssertEqual(outcomes, [failure("\(refused)")])
        XCTAssertEqual(fixture.log.lines, ["GET \(path)", "cache remove \(fixture.key)", "POST \(path)", "cache remove \(fixture.key)"])
    }
}
