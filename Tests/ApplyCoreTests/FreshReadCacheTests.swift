import ApplyCore
import GTGlitchTip
import GTStreams
import XCTest

/// What the fresh read teaches the cache (docs/architecture.md, "What gt-apply's fresh read
/// teaches the cache"): the project's alerts entry is removed right after the read, before any
/// change, and again after every change; when nothing was sent, the fresh listing takes its place.
final class FreshReadCacheTests: XCTestCase {
    private typealias F = ApplierFixture
    private let path = ApplierFixture.alertsPath

    func testTheEntryIsRemovedAfterTheReadBeforeTheFirstChangeAndAfterEveryChange() async throws {
        let gone = F.alert("old", pk: 8)
        let fixture = F(alerts: [F.wire(gone, pk: 8)])
        let outcomes = await fixture.apply([F.create(F.alert("a")), F.delete(gone)])
        XCTAssertEqual(outcomes, ["applied", "applied"])
        XCTAssertEqual(fixture.log.lines, [
            "GET \(path)", "cache remove \(fixture.key)",
            "POST \(path)", "cache remove \(fixture.key)",
            "DELETE \(path)8/", "cache remove \(fixture.key)",
        ])
        XCTAssertNil(fixture.tier.entry(fixture.key))
    }

    func testWhenNothingWasSentTheFreshListingReplacesTheEntry() async throws {
        let fresh = [F.wire(F.alert("a", quantity: 4), pk: 7), F.wire(F.alert("b", extra: ["uptime": false]), pk: 9)]
        let fixture = F(alerts: fresh)
        let outcomes = await fixture.apply([F.update(F.alert("a", pk: 7), to: F.alert("a", quantity: 9))])
        XCTAssertEqual(outcomes.count, 1)
        XCTAssertTrue(outcomes[0].contains("stale plan"), outcomes[0])
        XCTAssertEqual(fixture.log.lines, ["GET \(path)", "cache remove \(fixture.key)", "cache write \(fixture.key)"])
        // Sealed with the instance's key, and exactly what the server listed.
        XCTAssertEqual(fixture.cachedItems, fresh)
    }

    /// A refused run (the shared lock lost) sent nothing either: the entry is the fresh listing.
    func testARefusedRunLeavesTheFreshListingInTheEntry() async throws {
        let fresh = [F.wire(F.alert("a"), pk: 7)]
        let fixture = F(alerts: fresh)
        _ = await fixture.apply([F.create(F.alert("b"))], mayMutate: { "not applied: the shared run lock expired" })
        XCTAssertEqual(fixture.log.lines, ["GET \(path)", "cache remove \(fixture.key)", "cache write \(fixture.key)"])
        XCTAssertEqual(fixture.cachedItems, fresh)
    }
}
