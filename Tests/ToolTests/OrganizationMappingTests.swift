import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest
import GTCache

/// gt-apply resolves the organizations it will change from a fresh listing, never the cache
/// (docs/safety.md, "The organization mapping is read fresh"): after GlitchTip organizations are
/// renamed, a plan made from the cached listing is refused as stale, nothing is changed in the
/// organization App-Interface no longer manages, and the cache learns the new listing.
final class OrganizationMappingTests: SimulatorTestCase {

    private let stale = "stale plan: App-Interface organization 'payments' now resolves to GlitchTip organization "
        + "'payments-next', planned 'payments'"

    func testAPlanFromACachedListingMadeBeforeARenameChangesNothingAndTheNextRunPlansFromTheTruth() async throws {
        let fixture = try await OrganizationRename.make(for: self)
        let dryRun = try fixture.scenario.pipeline()  // fills the cache
        XCTAssertEqual(dryRun.status, 0, dryRun.stderr)
        try await fixture.rename()
        try await fixture.sim.clearRequests()

        // The cached run plans with the organizations listing from before the rename.
        let refused = try fixture.scenario.pipeline(apply: true)
        XCTAssertEqual(refused.status, 1, refused.stderr)
        let mutations = try await fixture.mutations()
        XCTAssertEqual(mutations, [], "changed an organization App-Interface no longer manages")
        let legacyAlerts = try await fixture.alertNames("payments")
        XCTAssertEqual(legacyAlerts, ["legacy-pager"])
        let errors = try summary(refused)?["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertEqual(errors.count, 2, "\(errors)")  // the create of pager, the delete of legacy-pager
        for error in errors { XCTAssertTrue(error.hasSuffix(stale), error) }
        XCTAssertTrue(refused.stderr.contains(stale), refused.stderr)
        // One fresh listing of the organizations, no other request of gt-apply's.
        let organizationReads = try await fixture.sim.requestLog().matching("GET", "/api/0/organizations/")
        XCTAssertEqual(organizationReads.count, 1)

        // The cache learned: the next cached run plans against payments-next.
        try await fixture.sim.clearRequests()
        let next = try fixture.scenario.pipeline(apply: true)
        XCTAssertEqual(next.status, 0, next.stderr)
        let updates = try await fixture.mutations()
        XCTAssertEqual(updates.count, 1, "\(updates)")
        XCTAssertTrue(updates.allSatisfy { $0.hasPrefix("PUT /api/0/projects/payments-next/web/alerts/") }, "\(updates)")
        let pager = try await fixture.alerts("payments-next").first { $0["name"] == "pager" }
        XCTAssertEqual(pager?["quantity"], 1)
        let untouched = try await fixture.alertNames("payments")
        XCTAssertEqual(untouched, ["legacy-pager"])
    }

    /// A plan kept as an artifact (a merge-request comment, say) and applied after the
    /// organization it was planned against was deleted: App-Interface's `payments` resolves to
    /// nothing now. (A rename alone keeps it: the slug still matches.)
    func testAPlanAppliedAfterItsOrganizationWentAwayIsRefused() async throws {
        let fixture = try await OrganizationRename.make(for: self)
        let plan = try fixture.cachedPlan()
        try await fixture.remove("payments")
        try await fixture.sim.clearRequests()
        let refused = try fixture.apply(plan)
        XCTAssertEqual(refused.status, 1, refused.stderr)
        let requests = try await fixture.sim.requestLog().requests.map { "\($0["method"]!.stringValue!) \($0["path"]!.stringValue!)" }
        XCTAssertEqual(requests, ["GET /api/0/organizations/"])
        XCTAssertTrue(refused.stderr.contains("stale plan: App-Interface organization 'payments' no longer resolves to a "
                                              + "GlitchTip organization, planned 'payments'"), refused.stderr)
    }

    /// The rule is gt-current's: renamed to a name that is not `payments`, the organization
    /// still resolves by its slug, and the plan is applied there.
    func testARenameThatKeepsTheMappingByRuleIsApplied() async throws {
        let fixture = try await OrganizationRename.make(for: self)
        let plan = try fixture.cachedPlan()
        try await fixture.rename(["payments": "Payments (old)"])
        let applied = try fixture.apply(plan)
        XCTAssertEqual(applied.status, 0, applied.stderr)
        let names = try await fixture.alertNames("payments")
        XCTAssertEqual(names, ["pager"])
    }

    /// No change in an instance whose organizations cannot be listed fresh.
    func testWhenTheFreshListingFailsNothingIsChangedAndEachActionSaysWhy() async throws {
        let fixture = try await OrganizationRename.make(for: self)
        let plan = try fixture.cachedPlan()
        try await fixture.sim.clearRequests()
        try await fixture.sim.faults([["method": "GET", "path": "/api/0/organizations/", "action": "status", "status": 500,
                                       "times": 10]])
        let refused = try fixture.apply(plan)
        XCTAssertEqual(refused.status, 1, refused.stderr)
        let mutations = try await fixture.mutations()
        XCTAssertEqual(mutations, [])
        let errors = try summary(refused)?["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertEqual(errors.count, 2, "\(errors)")
        for error in errors {
            XCTAssertTrue(error.contains("cannot read the instance's organizations before changing its alerts: "), error)
            XCTAssertTrue(error.contains("500"), error)
        }
        // The project's alerts were not read either: nothing happens in the instance.
        let alertReads = try await fixture.sim.requestLog().matching("GET", "/api/0/projects/")
        XCTAssertEqual(alertReads.count, 0)
    }

    /// Projects are not listed again (docs/safety.md): a project deleted since the plan lists no
    /// alerts, so the delete sends nothing and the create's POST is answered 404, storing nothing.
    func testAProjectDeletedSinceThePlanChangesNothing() async throws {
        let fixture = try await OrganizationRename.make(for: self)
        let plan = try fixture.cachedPlan()
        try await fixture.removeProject("web", from: "payments")
        try await fixture.sim.clearRequests()
        let result = try fixture.apply(plan)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("gt/payments/web/pager: Failed to execute action create: ")
                      && result.stderr.contains("HTTP 404"), result.stderr)
        let mutations = try await fixture.mutations()
        XCTAssertEqual(mutations, ["POST /api/0/projects/payments/web/alerts/"])
        let next = try await fixture.alertNames("payments-next")
        XCTAssertEqual(next, ["pager"], "nothing stored elsewhere")
    }

    /// The collision rule needs App-Interface's projects as gt-current reads them: when they
    /// cannot be read, nothing is applied.
    func testAnAppInterfaceWhoseProjectsCannotBeKeyedAppliesNothing() async throws {
        let fixture = try await OrganizationRename.make(for: self)
        let plan = try fixture.cachedPlan()
        try projectDatafile("api", organization: "/no-such-org.yml")
            .write(toFile: fixture.scenario.dataDirectory + "/projects/api.yml", atomically: true, encoding: .utf8)
        try await fixture.sim.clearRequests()
        let refused = try fixture.apply(plan)
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("checks the plan's organizations against App-Interface: "), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("api.yml"), refused.stderr)
        let requests = try await fixture.sim.requestLog().requests
        XCTAssertEqual(requests.count, 0, "\(requests)")
    }

    /// SIGTERM while the organizations are listed: the listing's answer comes within the grace,
    /// and no project is read or changed after it.
    func testASignalDuringTheListingStartsNothingAfterIt() async throws {
        let fixture = try await OrganizationRename.make(for: self)
        let plan = try fixture.cachedPlan()
        try await fixture.sim.clearRequests()
        try await fixture.sim.faults([["method": "GET", "path": "/api/0/organizations/", "action": "delay", "delay_ms": 2000]])
        let apply = try BackgroundTool("gt-apply", ["--no-dry-run"], stdinFile: plan, environment: fixture.scenario.environment,
                                       scratch: fixture.scenario.directory)
        let listing = try await eventually(within: 30) {
            try await !fixture.sim.requestLog().matching("GET", "/api/0/organizations/").isEmpty
        }
        XCTAssertTrue(listing, "gt-apply never listed the organizations")
        apply.signal(SIGTERM)
        let result = try await apply.finish(within: 30)
        XCTAssertEqual(result.status, 143, result.stderr)
        let requests = try await fixture.sim.requestLog().requests.map { $0["path"]!.stringValue! }
        XCTAssertEqual(requests, ["/api/0/organizations/"])
        let summary = try XCTUnwrap(try result.records().first { $0["kind"] == "summary" })
        XCTAssertEqual(summary["status"], "interrupted")
        XCTAssertEqual(summary["applied_count"], 0)
    }

    /// A listing that does not add up is no fresh listing (docs/safety.md, "A listing must add up").
    func testAFreshListingThatDoesNotAddUpChangesNothing() async throws {
        let fixture = try await OrganizationRename.make(for: self)
        let plan = try fixture.cachedPlan()
        try await fixture.sim.faults([["method": "GET", "path": "/api/0/organizations/", "action": "short_page", "drop": 1,
                                       "times": 10]])
        let refused = try fixture.apply(plan)
        XCTAssertEqual(refused.status, 1, refused.stderr)
        let mutations = try await fixture.mutations()
        XCTAssertEqual(mutations, [])
        XCTAssertTrue(refused.stderr.contains("incomplete listing"), refused.stderr)
    }
}

/// The same on the shared tier, where anyone who can write the Redis server can replay an old
/// organizations entry (sealed, so only within its TTL): the plan built from it is refused.
final class SharedOrganizationMappingTests: SimulatorTestCase {

    func testAReplayedOrganizationsEntryIsRefusedAndReplacedByTheFreshListing() async throws {
        let dir = scratchDirectory()
        let fixture = try await OrganizationRename.make(for: self, in: dir)
        let server = try startRedis(in: dir)
        let shared = host("a", in: dir, url: server.url())
        let key = "glitchtip:gt:organizations"
        let dryRun = try fixture.scenario.pipeline(environment: shared)
        XCTAssertEqual(dryRun.status, 0, dryRun.stderr)
        let old = try XCTUnwrap(try server.value(key), "no organizations entry in Redis")
        try await fixture.rename()
        try await fixture.sim.clearRequests()

        let refused = try fixture.scenario.pipeline(apply: true, environment: shared)
        XCTAssertEqual(refused.status, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("now resolves to GlitchTip organization 'payments-next', planned 'payments'"),
                      refused.stderr)
        var mutations = try await fixture.mutations()
        XCTAssertEqual(mutations, [])
        let learned = try XCTUnwrap(try server.value(key))
        XCTAssertNotEqual(learned, old, "the shared entry still holds the listing from before the rename")

        // Someone with write access to Redis puts the old entry back.
        let client = RedisClient(url: try RedisURL(parsing: server.url()))
        _ = try await client.command(bytes: [Array("SET".utf8), Array(key.utf8), old])
        try await fixture.sim.clearRequests()
        let replayed = try fixture.scenario.pipeline(apply: true, environment: shared)
        XCTAssertEqual(replayed.status, 1, replayed.stderr)
        mutations = try await fixture.mutations()
        XCTAssertEqual(mutations, [])
        let legacyAlerts = try await fixture.alertNames("payments")
        XCTAssertEqual(legacyAlerts, ["legacy-pager"])
        let relearned = try server.value(key)
        XCTAssertNotEqual(relearned, old, "the replayed entry was not replaced by the fresh listing")

        try await fixture.sim.clearRequests()
        let next = try fixture.scenario.pipeline(apply: true, environment: shared)
        XCTAssertEqual(next.status, 0, next.stderr)
        mutations = try await fixture.mutations()
        XCTAssertEqual(mutations.count, 1, "\(mutations)")
        XCTAssertTrue(mutations.allSatisfy { $0.hasPrefix("PUT /api/0/projects/payments-next/web/alerts/") }, "\(mutations)")
    }
}
