import ApplyCore
import GTGlitchTip
import GTStreams
import XCTest
import GTHTTP

/// A project whose alerts cannot be read fresh is not changed at all: every one of its actions
/// fails, in the seed's form `<instance>/<org>/<project>/<alert>: Failed to execute action
/// <type>: <reason>` (docs/rules.md, "Applying", "Failures"), and nothing is sent.
final class FreshReadFailureTests: XCTestCase {
    private typealias F = ApplierFixture
    private let path = ApplierFixture.alertsPath

    func testAFailedFreshReadFailsEveryActionOfTheProjectAndSendsNothing() async throws {
        let now = F.alert("old", pk: 8)
        let fixture = F(alerts: [F.wire(now, pk: 8)])
        let error = HTTPError.status(502, url: RedactedURL("https://glitchtip.example.com\(path)"), detail: "Bad Gateway")
        fixture.glitchtip.failListings([error])
        let outcomes = await fixture.apply([F.create(F.alert("a")), F.update(now, to: F.alert("old", quantity: 2)), F.delete(now)])
        let reason = "cannot read the project's alerts before changing them: \(error)"
        XCTAssertEqual(outcomes, [
            "failed: glitchtip/Org/web/a: Failed to execute action create: \(reason)",
            "failed: glitchtip/Org/web/old: Failed to execute action update: \(reason)",
            "failed: glitchtip/Org/web/old: Failed to execute action delete: \(reason)",
        ])
        // One read, then nothing: no mutation, and the cache entry is left as it was.
        XCTAssertEqual(fixture.log.lines, ["GET \(path)"])
    }

    /// A listing that cannot be decoded is no fresh read either.
    func testAnUndecodableListingFailsEveryActionAndSendsNothing() async throws {
        let fixture = F(alerts: [["name": "no pk"]])
        let outcomes = await fixture.apply([F.create(F.alert("a"))])
        XCTAssertEqual(outcomes.count, 1)
        let prefix = "failed: glitchtip/Org/web/a: Failed to execute action create: cannot read the project's alerts before changing them: "
        XCTAssertTrue(outcomes[0].hasPrefix(prefix), outcomes[0])
        XCTAssertGreaterThan(outcomes[0].count, prefix.count, "the reason is missing")
        XCTAssertEqual(fixture.log.lines, ["GET \(path)"])
    }
}
