import CurrentCore
import GTGlitchTip
import GTHTTP
import GTStreams
import GTTestSupport
import XCTest

/// A listing that fails, or does not add up, or cannot be read, is an `error` record for its
/// scope and nothing under it is guessed (docs/safety.md): no `project` record, no `missing`
/// record, no cache entry; the other scopes go on.
final class FailClosedTests: XCTestCase {
    private let incomplete = HTTPError.pagination(url: RedactedURL("https://gt.example.com/api/0/organizations/acme/projects/?limit=100"),
                                                  reason: "incomplete listing: 2 items for X-Hits 3; not using it")

    private func server() -> InMemoryListings {
        let server = InMemoryListings()
        server.addOrganization("Acme", slug: "acme", projects: [
            (slug: "api", name: "API", alerts: [CurrentFixture.alert("a", pk: 1)]),
            (slug: "web", name: "Web", alerts: [CurrentFixture.alert("b", pk: 2)]),
        ])
        server.addOrganization("Zed", slug: "zed", projects: [(slug: "web", name: "Web", alerts: [])])
        return server
    }

    private let keys = CurrentFixture.keys("gt", "Acme", "api", "web") + CurrentFixture.keys("gt", "Zed", "web")

    /// `<kind> <organization>/<project>` of each body record after the instance record.
    private func scopes(_ records: CollectedRecords) throws -> [String] {
        try records.all.dropFirst().map { record in
            let json = try JSONValue(parsing: record.bytes)
            let scope = json["scope"] ?? json
            return "\(record.kind.rawValue) \(scope["organization"]?.stringValue ?? "-")/\(scope["project"]?.stringValue ?? "-")"
        }
    }

    func testAFailedOrganizationListingIsOneErrorAndNothingElse() async throws {
        let server = server()
        server.fail(.organizations, with: .status(503, url: RedactedURL("https://gt.example.com/api/0/organizations/"), detail: ""))
        let fixture = CurrentFixture(self, servers: ["gt": server])
        let records = try await fixture.run(keys)
        XCTAssertEqual(try scopes(records), ["error -/-"])
        XCTAssertTrue(records.notices[0].hasPrefix("error gt: listing organizations failed: "), records.notices[0])
        XCTAssertEqual(server.log, ["organizations"])
        // Nothing was cached: the next run asks again.
        server.fail(.organizations, with: nil)
        server.clearLog()
        _ = try await fixture.run(keys)
        XCTAssertEqual(server.log.first, "organizations")
    }

    func testAProjectListingThatDoesNotAddUpFailsThatOrganizationAlone() async throws {
        let server = server()
        server.fail(.projects(organization: "acme"), with: incomplete)
        let fixture = CurrentFixture(self, servers: ["gt": server])
        let records = try await fixture.run(keys)
        // No missing record for api or web: the listing said nothing about them.
        XCTAssertEqual(try scopes(records), ["error Acme/-", "project Zed/web"])
        XCTAssertEqual(records.notices, ["error gt/Acme: listing projects failed: \(incomplete)"])
        XCTAssertFalse(server.log.contains { $0.hasPrefix("alerts acme/") }, "\(server.log)")
        server.fail(.projects(organization: "acme"), with: nil)
        server.clearLog()
        _ = try await fixture.run(keys)
        XCTAssertEqual(server.log.sorted(), ["alerts acme/api", "alerts acme/web", "projects acme"], "only what failed is read again")
    }

    func testAFailedAlertListingFailsThatProjectAlone() async throws {
        let server = server()
        let error = HTTPError.transport(code: 28, message: "Timeout was reached", url: RedactedURL("https://gt.example.com/x"))
        server.fail(.alerts(organization: "acme", project: "api"), with: error)
        let records = try await CurrentFixture(self, servers: ["gt": server]).run(keys)
        XCTAssertEqual(try scopes(records), ["error Acme/api", "project Acme/web", "project Zed/web"])
        XCTAssertEqual(records.notices, ["error gt/Acme/api: listing alerts failed: \(error)"])
    }

    /// What GlitchTip sent but cannot be read (a project without a slug, an alert whose pk is
    /// not a number) fails its scope, and is not cached: a later run must not read it as valid.
    func testAListingThatCannotBeReadFailsItsScopeAndIsNotCached() async throws {
        let server = server()
        server.replaceItems(of: .projects(organization: "zed"), with: [["name": "Web"]])
        server.replaceItems(of: .alerts(organization: "acme", project: "web"), with: [["id": "seven", "name": "b"]])
        let fixture = CurrentFixture(self, servers: ["gt": server])
        let records = try await fixture.run(keys)
        XCTAssertEqual(try scopes(records), ["project Acme/api", "error Acme/web", "error Zed/-"])
        XCTAssertTrue(records.notices[0].hasPrefix("error gt/Acme/web: listing alerts failed: "), records.notices[0])
        XCTAssertTrue(records.notices[1].hasPrefix("error gt/Zed: listing projects failed: "), records.notices[1])
        server.clearLog()
        _ = try await fixture.run(keys)
        XCTAssertEqual(server.log.sorted(), ["alerts acme/web", "projects zed"])
    }

    /// An instance that cannot be connected is one error; the instances around it are read.
    func testAnInstanceThatCannotBeConnectedFailsAlone() async throws {
        let records = try await CurrentFixture(self, servers: ["gt": server()])
            .run(keys + CurrentFixture.keys("b-gone", "Acme", "web"), instances: ["gt", "b-gone"])
        XCTAssertEqual(records.all.map(\.kind.rawValue), ["instance", "instance", "error", "project", "project", "project"])
        XCTAssertEqual(records.notices, ["error b-gone: cannot connect: no secret store is set"])
    }
}
