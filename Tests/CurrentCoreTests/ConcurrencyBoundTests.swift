import CurrentCore
import GTStreams
import GTTestSupport
import XCTest

/// The requests in flight per instance are bounded by `--concurrency` in the fetch itself
/// (docs/architecture.md, "Concurrency"), whatever the client's transport does: a server front
/// end may give it another one.
final class ConcurrencyBoundTests: XCTestCase {
    private func server(organizations: Int, projects: Int) -> InMemoryListings {
        let server = InMemoryListings()
        for o in 0..<organizations {
            server.addOrganization("Org \(o)", slug: "org-\(o)", projects: (0..<projects).map { p in
                (slug: "p\(p)", name: "P\(p)", alerts: [CurrentFixture.alert("a", pk: Int64(p + 1))])
            })
        }
        return server
    }

    func testListingsInFlightNeverExceedConcurrencyAndReachIt() async throws {
        for concurrency in [1, 3, 6] {
            let server = server(organizations: 3, projects: 40)
            let fixture = CurrentFixture(self, servers: ["gt": server])
            let keys = (0..<3).flatMap { o in (0..<40).map { ProjectKey(instance: "gt", organization: "Org \(o)", project: "p\($0)") } }
            let records = try await fixture.run(keys, concurrency: concurrency)
            XCTAssertEqual(records.all.filter { $0.kind == .project }.count, 120)
            XCTAssertEqual(server.log.count, 1 + 3 + 120)
            XCTAssertLessThanOrEqual(server.peakInFlight, concurrency, "concurrency \(concurrency)")
            XCTAssertEqual(server.peakInFlight, concurrency, "concurrency \(concurrency): the bound is used, not only kept")
        }
    }

    /// A number made in code (a server's request, say) is clamped, never trapped on.
    func testAConcurrencyOutOfRangeIsClamped() async throws {
        XCTAssertEqual(CurrentSettings(concurrency: 0).concurrency, 1)
        XCTAssertEqual(CurrentSettings(concurrency: -5).concurrency, 1)
        XCTAssertEqual(CurrentSettings(concurrency: .max).concurrency, 256)
        let server = server(organizations: 1, projects: 3)
        let records = try await CurrentFixture(self, servers: ["gt": server])
            .run(CurrentFixture.keys("gt", "Org 0", "p0", "p1", "p2"), concurrency: .max)
        XCTAssertEqual(records.all.filter { $0.kind == .project }.count, 3)
    }
}
