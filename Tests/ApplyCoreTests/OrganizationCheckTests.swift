import ApplyCore
import GTGlitchTip
import GTStreams
import XCTest
import GTHTTP

/// Before its first change in an instance, gt-apply lists the instance's organizations fresh,
/// once, and refuses every action whose App-Interface organization no longer resolves to the
/// GlitchTip organization it was planned against (docs/safety.md, "The organization mapping is
/// read fresh"). The fixture's actions are planned for App-Interface `Org` → GlitchTip `org`.
final class OrganizationCheckTests: XCTestCase {
    private typealias F = ApplierFixture
    private let path = ApplierFixture.alertsPath
    private let organizationsKey = "glitchtip:glitchtip:organizations"

    private func failure(_ type: String, _ alert: String, _ reason: String, project: String = "web") -> String {
        "failed: glitchtip/Org/\(project)/\(alert): Failed to execute action \(type): \(reason)"
    }

    func testAMappingThatHoldsIsAppliedAfterOneListing() async throws {
        let fixture = F(alerts: [F.wire(F.alert("old"), pk: 8)])
        let outcomes = await fixture.applyInInstance([F.create(F.alert("a")), F.delete(F.alert("old", pk: 8))])
        XCTAssertEqual(outcomes, ["applied", "applied"])
        XCTAssertEqual(fixture.log.lines, [
            "GET /api/0/organizations/", "cache write \(organizationsKey)",
            "GET \(path)", "cache remove \(fixture.key)",
            "POST \(path)", "cache remove \(fixture.key)",
            "DELETE \(path)8/", "cache remove \(fixture.key)",
        ])
    }

    /// `Org` renamed away and another organization renamed to `Org`: the plan's slug is now an
    /// organization App-Interface does not manage. Nothing is read or sent beyond the listing.
    func testARenamedOrganizationIsRefusedWithNoRequestBeyondTheListing() async throws {
        let fixture = F(alerts: [F.wire(F.alert("old"), pk: 8)])
        let fresh = [GlitchTipOrganization(name: "Org (legacy)", slug: "org"), GlitchTipOrganization(name: "Org", slug: "org-next")]
        fixture.glitchtip.replaceOrganizations(fresh)
        let outcomes = await fixture.applyInInstance([F.create(F.alert("a")), F.delete(F.alert("old", pk: 8))])
        let reason = "stale plan: App-Interface organization 'Org' now resolves to GlitchTip organization 'org-next', planned 'org'"
        XCTAssertEqual(outcomes, [failure("create", "a", reason), failure("delete", "old", reason)])
        XCTAssertEqual(fixture.log.lines, ["GET /api/0/organizations/", "cache write \(organizationsKey)"])
        XCTAssertEqual(fixture.glitchtip.alerts.count, 1)
        // The cache learned the fresh listing, sealed with the instance's key.
        XCTAssertEqual(fixture.cachedItems(organizationsKey), fresh.map { ["name": .string($0.name), "slug": .string($0.slug)] })
    }

    func testAnOrganizationGoneIsRefused() async throws {
        let fixture = F()
        fixture.glitchtip.replaceOrganizations([GlitchTipOrganization(name: "Other", slug: "other")])
        let outcomes = await fixture.applyInInstance([F.create(F.alert("a"))])
        XCTAssertEqual(outcomes, [failure("create", "a",
            "stale plan: App-Interface organization 'Org' no longer resolves to a GlitchTip organization, planned 'org'")])
        XCTAssertEqual(fixture.log.mutations, [])
    }

    func testWhenTheListingFailsNothingInTheInstanceIsReadOrChanged() async throws {
        let fixture = F(projects: ["api"])
        let error = HTTPError.status(503, url: RedactedURL("https://glitchtip.example.com/api/0/organizations/?limit=100"), detail: "")
        fixture.glitchtip.failOrganizationListings(error)
        let outcomes = await fixture.applyInInstance([F.create(F.alert("a")), F.action(.create, "b", after: F.alert("b"), project: "api")])
        let reason = "cannot read the instance's organizations before changing its alerts: "
            + "https://glitchtip.example.com/api/0/organizations/: HTTP 503"
        XCTAssertEqual(outcomes, [failure("create", "a", reason), failure("create", "b", reason, project: "api")])
        XCTAssertEqual(fixture.log.lines, ["GET /api/0/organizations/"], "no cache write, no project read")
    }

    /// A listing that cannot be decoded is no listing: not cached, nothing changed.
    func testAListingThatDoesNotDecodeIsRefusedAndNotCached() async throws {
        let fixture = F()
        fixture.glitchtip.replaceOrganizationItems([["name": "Org"]])
        let outcomes = await fixture.applyInInstance([F.create(F.alert("a"))])
        XCTAssertEqual(outcomes.count, 1)
        XCTAssertTrue(outcomes[0].contains("cannot read the instance's organizations before changing its alerts: "), outcomes[0])
        XCTAssertEqual(fixture.log.lines, ["GET /api/0/organizations/"])
    }

    func testTheListingIsReadOncePerInstanceWhateverTheNumberOfProjects() async throws {
        let fixture = F(projects: ["api", "db", "jobs"])
        let actions = [F.create(F.alert("a"))] + ["api", "db", "jobs"].map { F.action(.create, "a", after: F.alert("a"), project: $0) }
        let outcomes = await fixture.applyInInstance(actions, concurrency: 2)
        XCTAssertEqual(outcomes, ["applied", "applied", "applied", "applied"])
        XCTAssertEqual(fixture.log.lines.filter { $0 == "GET /api/0/organizations/" }.count, 1)
        XCTAssertEqual(fixture.log.lines.first, "GET /api/0/organizations/", "a project was read before the listing")
        XCTAssertEqual(fixture.log.mutations.count, 4)
    }

    /// A name GlitchTip now gives two organizations is never guessed (gt-current's rule).
    func testANameGlitchTipNowGivesTwoOrganizationsIsRefused() async throws {
        let fixture = F()
        fixture.glitchtip.replaceOrganizations([GlitchTipOrganization(name: "Org", slug: "org"), GlitchTipOrganization(name: "Org", slug: "org-2")])
        let outcomes = await fixture.applyInInstance([F.create(F.alert("a"))])
        XCTAssertEqual(outcomes, [failure("create", "a", "stale plan: GlitchTip has 2 organizations named 'Org' (slugs 'org', "
            + "'org-2'); refusing to guess which one App-Interface means: rename all but one in GlitchTip")])
        XCTAssertEqual(fixture.log.mutations, [])
    }

    /// Another App-Interface organization with a project of the same slug now resolves to the
    /// same GlitchTip organization (by name, while `Org` matches by slug): gt-current's
    /// collision rule refuses both, though `Org` still resolves as planned.
    func testACollisionWithAnotherAppInterfaceOrganizationIsRefused() async throws {
        let fixture = F()
        fixture.glitchtip.replaceOrganizations([GlitchTipOrganization(name: "Payments", slug: "org")])
        let outcomes = await fixture.applyInInstance([F.create(F.alert("a"))], managed: ["Org": ["web"], "Payments": ["web"]])
        XCTAssertEqual(outcomes.count, 1)
        XCTAssertTrue(outcomes[0].hasSuffix("Failed to execute action create: stale plan: App-Interface organizations 'Org' and "
            + "'Payments' both resolve to GlitchTip organization 'org' and both declare project 'web'; refusing both: give each "
            + "organization its own GlitchTip organization or move the project"), outcomes[0])
        XCTAssertEqual(fixture.log.mutations, [])
        // Without the other organization's project in common, the plan holds.
        let apart = F()
        apart.glitchtip.replaceOrganizations([GlitchTipOrganization(name: "Payments", slug: "org")])
        let applied = await apart.applyInInstance([F.create(F.alert("a"))], managed: ["Org": ["web"], "Payments": ["api"]])
        XCTAssertEqual(applied, ["applied"])
    }

    /// An edited plan whose slug is not where its organization resolves: refused.
    func testAnActionWhoseSlugWasEditedIsRefused() async throws {
        let fixture = F()
        var action = F.create(F.alert("a"))
        action.organizationSlug = "elsewhere"
        let outcomes = await fixture.applyInInstance([action])
        XCTAssertEqual(outcomes.count, 1)
        XCTAssertTrue(outcomes[0].hasSuffix("stale plan: App-Interface organization 'Org' now resolves to GlitchTip organization "
            + "'org', planned 'elsewhere'"), outcomes[0])
        XCTAssertEqual(fixture.log.lines, ["GET /api/0/organizations/", "cache write \(organizationsKey)"])
    }

    func testAnInterruptedRunListsNothing() async throws {
        let fixture = F()
        let outcomes = await fixture.applyInInstance([F.create(F.alert("a"))], shouldStop: { true })
        XCTAssertEqual(outcomes, ["not started"])
        XCTAssertEqual(fixture.log.lines, [])
    }
}
