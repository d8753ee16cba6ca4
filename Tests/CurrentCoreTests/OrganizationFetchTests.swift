import CurrentCore
import GTStreams
import GTTestSupport
import XCTest

/// Which GlitchTip organizations the fetch reads (docs/architecture.md, "Organization
/// matching"): by name, else by slug; a missing one is recorded; a name GlitchTip gives two
/// organizations and two App-Interface organizations resolving to one are refused before
/// anything under them is listed; `--all-projects` reads every organization and project.
final class OrganizationFetchTests: XCTestCase {
    private var server = InMemoryListings()

    override func setUp() {
        server = InMemoryListings()
        server.addOrganization("Space Agency", slug: "nasa", projects: [(slug: "web", name: "Web", alerts: [])])
        server.addOrganization("ACME", slug: "acme-corp", projects: [(slug: "web", name: "Web", alerts: []),
                                                                      (slug: "extra", name: "Extra", alerts: [])])
        server.addOrganization("Twin", slug: "twin-1", projects: [(slug: "web", name: "Web", alerts: [])])
        server.addOrganization("Twin", slug: "twin-2", projects: [(slug: "web", name: "Web", alerts: [])])
    }

    /// `<kind> <organization> [<slug>] <project>` of each body record, and the notices.
    private func describe(_ records: CollectedRecords) throws -> [String] {
        try records.all.dropFirst().map { record in
            let json = try JSONValue(parsing: record.bytes)
            let scope = json["scope"] ?? json
            return [record.kind.rawValue, scope["organization"]?.stringValue, json["organization_slug"]?.stringValue,
                    scope["project"]?.stringValue, record.message].compactMap { $0 }.joined(separator: " ")
        }
    }

    func testAnOrganizationIsMatchedByNameElseBySlugAndAMissingOneIsRecorded() async throws {
        let keys = CurrentFixture.keys("gt", "Space Agency", "web") + CurrentFixture.keys("gt", "Acme Corp", "web")
            + CurrentFixture.keys("gt", "Gone", "web")
        let records = try await CurrentFixture(self, servers: ["gt": server]).run(keys)
        XCTAssertEqual(try describe(records), [
            "project Acme Corp acme-corp web",
            "missing Gone",
            "warning Gone Organization 'Gone' not found in instance 'gt', skipping",
            "project Space Agency nasa web",
        ])
        XCTAssertEqual(server.log.sorted(), ["alerts acme-corp/web", "alerts nasa/web", "organizations", "projects acme-corp", "projects nasa"])
    }

    func testANameGlitchTipGivesTwoOrganizationsIsRefusedAndNeitherIsListed() async throws {
        let records = try await CurrentFixture(self, servers: ["gt": server]).run(CurrentFixture.keys("gt", "Twin", "web"))
        XCTAssertEqual(try describe(records), [
            "error Twin gt/Twin: GlitchTip has 2 organizations named 'Twin' (slugs 'twin-1', 'twin-2'); refusing to guess "
                + "which one App-Interface means: rename all but one in GlitchTip",
        ])
        XCTAssertEqual(server.log, ["organizations"])
    }

    func testTwoAppInterfaceOrganizationsResolvingToOneWithAProjectInCommonAreBothRefused() async throws {
        let keys = CurrentFixture.keys("gt", "Space Agency", "web") + CurrentFixture.keys("gt", "nasa", "api", "web")
        let records = try await CurrentFixture(self, servers: ["gt": server]).run(keys)
        let described = try describe(records)
        XCTAssertEqual(described.count, 2)
        XCTAssertTrue(described[0].hasPrefix("error Space Agency gt/Space Agency: App-Interface organizations 'Space Agency' and "
                                             + "'nasa' both resolve to GlitchTip organization 'nasa' and both declare project 'web'"),
                      described[0])
        XCTAssertTrue(described[1].hasPrefix("error nasa gt/nasa: App-Interface organizations 'nasa' and 'Space Agency'"), described[1])
        XCTAssertEqual(server.log, ["organizations"])
    }

    func testAllProjectsReadsEveryOrganizationAndProjectButASharedName() async throws {
        // Managed keys do not narrow it, and nothing is missing.
        let records = try await CurrentFixture(self, servers: ["gt": server])
            .run(CurrentFixture.keys("gt", "Gone", "web"), allProjects: true)
        XCTAssertEqual(try describe(records), [
            "project ACME acme-corp extra",
            "project ACME acme-corp web",
            "project Space Agency nasa web",
            "error Twin gt/Twin: GlitchTip has 2 organizations named 'Twin' (slugs 'twin-1', 'twin-2'); the stream names an "
                + "organization by its name, so none of them is listed",
        ])
        XCTAssertFalse(server.log.contains { $0.contains("twin") }, "\(server.log)")
    }
}
