import Foundation
import XCTest
@testable import GTStreams
@testable import GTGlitchTip
@testable import GTCLI
import GTTestSupport
@testable import GTHTTP

/// A listing whose pages hold fewer items than their `X-Hits` announced is refused, never taken
/// as the whole list (docs/safety.md, "A listing must add up").
final class ShortPageTests: SimulatorTestCase {
    private var sim: Simulator!
    private let alertsPath = "/api/0/projects/globex/shop/alerts/"

    private func start(alerts count: Int, arguments: [String] = []) async throws -> GlitchTipClient {
        sim = try startSimulator(arguments: arguments)
        let project = SimState.project("shop", alerts: (1...count).map { SimState.alert("bulk-\($0)") })
        try await sim.load(SimState.state([SimState.organization("Globex", projects: [project])]))
        let http = HTTPClient(transport: HTTPTransport(maxConcurrent: 2),
                              retry: RetryPolicy(maxRetries: 1, baseDelay: 0.01, maxDelay: 0.05))
        return GlitchTipClient(baseURL: sim.baseURL, token: "sim-token", http: http)
    }

    private func assertRefused(_ client: GlitchTipClient, file: StaticString = #filePath, line: UInt = #line) async {
        do {
            let alerts = try await client.alerts(organization: "globex", project: "shop")
            XCTFail("a short listing was accepted with \(alerts.count) alerts", file: file, line: line)
        } catch {
            guard case .pagination(_, let reason) = error else {
                return XCTFail("unexpected error \(error)", file: file, line: line)
            }
            XCTAssertTrue(reason.contains("X-Hits"), reason, file: file, line: line)
            XCTAssertTrue(reason.hasPrefix("incomplete listing"), reason, file: file, line: line)
        }
    }

    func testAPageShorterThanItsXHitsIsRefused() async throws {
        let client = try await start(alerts: 3)
        try await sim.faults([["method": "GET", "path": .string(alertsPath), "action": "short_page"]])
        await assertRefused(client)
        // The server answers in full again: the same listing is accepted.
        let alerts = try await client.alerts(organization: "globex", project: "shop")
        XCTAssertEqual(alerts.count, 3)
    }

    func testAnEmptyLastPageWhileMoreWereAnnouncedIsRefused() async throws {
        let client = try await start(alerts: 120, arguments: ["--max-page-size", "50"])
        try await sim.faults([["method": "GET", "path": .string(alertsPath), "page": 2, "action": "short_page",
                               "drop": "all", "no_next": true]])
        await assertRefused(client)
        let alerts = try await client.alerts(organization: "globex", project: "shop")
        XCTAssertEqual(alerts.count, 120)
    }

    func testAShortProjectListingIsRefused() async throws {
        let client = try await start(alerts: 1)
        try await sim.faults([["method": "GET", "path": "/api/0/organizations/globex/projects/", "action": "short_page"]])
        do {
            let projects = try await client.projects(organization: "globex")
            XCTFail("a short project listing was accepted: \(projects)")
        } catch {
            XCTAssertTrue("\(error)".contains("X-Hits"), "\(error)")
        }
    }

    func testCountsAgainstTheAnnouncedTotal() {
        func tally(_ pages: [(hits: String?, max: String?)]) -> ListingCount {
            var count = ListingCount()
            for page in pages {
                var headers: [(name: String, value: String)] = []
                if let hits = page.hits { headers.append(("X-Hits", hits)) }
                if let max = page.max { headers.append(("X-Max-Hits", max)) }
                count.add(HTTPResponse(status: 200, headers: headers, body: []))
            }
            return count
        }
        XCTAssertNil(tally([]).disagreement(count: 7), "no X-Hits: nothing to check")
        XCTAssertNil(tally([("7", "1000")]).disagreement(count: 7))
        XCTAssertNil(tally([("0", "1000")]).disagreement(count: 0))
        XCTAssertNotNil(tally([("7", "1000")]).disagreement(count: 6))
        XCTAssertNotNil(tally([("7", "1000")]).disagreement(count: 8))
        XCTAssertNotNil(tally([("7", nil), ("8", nil)]).disagreement(count: 8), "the listing changed while read")
        XCTAssertNil(tally([("not a number", nil)]).disagreement(count: 3))
        // At the cap X-Hits is a lower bound.
        XCTAssertNil(tally([("1000", "1000"), ("1000", "1000")]).disagreement(count: 1500))
        XCTAssertNotNil(tally([("1000", "1000")]).disagreement(count: 999))
    }
}
