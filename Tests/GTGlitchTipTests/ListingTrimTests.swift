import Foundation
import XCTest
@testable import GTStreams
@testable import GTGlitchTip
import GTTestSupport
@testable import GTHTTP

/// Organization and project listings keep only the fields gt reads (`name`, `slug`), page by
/// page, so a listing of thousands is not held whole (docs/architecture.md, "Bounded memory");
/// alert listings stay as GlitchTip sent them, because an update sends their other fields back.
/// Against the simulator, which sends every field GlitchTip does.
final class ListingTrimTests: SimulatorTestCase {
    private var sim: Simulator!

    private func start(_ organizations: [JSONValue]) async throws -> GlitchTipClient {
        sim = try startSimulator()
        try await sim.load(SimState.state(organizations))
        let http = HTTPClient(transport: HTTPTransport(maxConcurrent: 2),
                              retry: RetryPolicy(maxRetries: 1, baseDelay: 0.01, maxDelay: 0.05))
        return GlitchTipClient(baseURL: sim.baseURL, token: "sim-token", http: http)
    }

    private func keys(_ item: JSONValue) -> Set<String> {
        guard case .object(let fields) = item else { return [] }
        return Set(fields.keys)
    }

    private func pages(_ path: String) async throws -> Int {
        try await sim.requestLog().matching("GET", path).filter { $0["path"]?.stringValue == path }.count
    }

    func testAProjectListingKeepsNameAndSlugAcrossPages() async throws {
        let projects = (0..<150).map { SimState.project(String(format: "svc-%03d", $0)) }
        let client = try await start([SimState.organization("Globex", projects: projects)])
        let items = try await client.items(of: .projects(organization: "globex"))
        let pageCount = try await pages("/api/0/organizations/globex/projects/")
        XCTAssertEqual(pageCount, 2)
        XCTAssertEqual(items.count, 150)
        XCTAssertEqual(Set(items.map(keys)), [["name", "slug"]])
        XCTAssertEqual(Set(items.compactMap { $0["slug"]?.stringValue }), Set((0..<150).map { String(format: "svc-%03d", $0) }))
        // The simulator did send more: what GlitchTip sends.
        let raw = try await rawFirstItem("/api/0/organizations/globex/projects/")
        XCTAssertTrue(keys(raw).isStrictSuperset(of: ["name", "slug"]), "\(keys(raw))")
        let decoded = try await client.projects(organization: "globex")
        XCTAssertEqual(decoded.count, 150)
    }

    func testAnOrganizationListingKeepsNameAndSlugAcrossPages() async throws {
        let client = try await start((0..<130).map { SimState.organization(String(format: "Org-%03d", $0), projects: []) })
        let items = try await client.items(of: .organizations)
        let pageCount = try await pages("/api/0/organizations/")
        XCTAssertEqual(pageCount, 2)
        XCTAssertEqual(items.count, 130)
        XCTAssertEqual(Set(items.map(keys)), [["name", "slug"]])
        XCTAssertEqual(items.first { $0["slug"] == "org-007" }?["name"], "Org-007")
        let raw = try await rawFirstItem("/api/0/organizations/")
        XCTAssertTrue(keys(raw).isStrictSuperset(of: ["name", "slug"]), "\(keys(raw))")
    }

    func testAnAlertListingKeepsEveryField() async throws {
        let alerts = (0..<120).map { SimState.alert("alert-\($0)") }
        let client = try await start([SimState.organization("Globex", projects: [SimState.project("shop", alerts: alerts)])])
        let path = "/api/0/projects/globex/shop/alerts/"
        let items = try await client.items(of: .alerts(organization: "globex", project: "shop"))
        let pageCount = try await pages(path)
        XCTAssertEqual(pageCount, 2)
        XCTAssertEqual(items.count, 120)
        let raw = try await rawFirstItem(path)
        XCTAssertGreaterThan(keys(raw).count, 2)
        XCTAssertEqual(Set(items.map(keys)), [keys(raw)])

        // A field gt has never heard of stays too.
        let planted: JSONValue = [[
            "id": 1, "name": "planted", "timespanMinutes": 1, "quantity": 1, "uptime": false,
            "alertRecipients": [["id": 2, "recipientType": "email", "url": ""]], "futureField": ["kept": true],
        ]]
        try await sim.faults([["method": "GET", "path": .string(path), "action": "json", "body": planted]])
        let kept = try await client.items(of: .alerts(organization: "globex", project: "shop"))
        XCTAssertEqual(kept, planted.arrayValue)
    }

    /// The first item of a listing as the simulator sends it, read without the client.
    private func rawFirstItem(_ path: String) async throws -> JSONValue {
        let transport = HTTPTransport(maxConcurrent: 1)
        let response = try await transport.perform(HTTPRequest(
            method: .get, url: sim.baseURL + path + "?limit=1",
            headers: [("Authorization", "Bearer sim-token"), ("Accept", "application/json")])).get()
        await transport.shutdown()
        return try XCTUnwrap(try JSONValue(parsing: response.body).arrayValue?.first)
    }
}
