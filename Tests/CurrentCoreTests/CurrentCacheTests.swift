import CurrentCore
import GTCache
import GTGlitchTip
import GTStreams
import GTTestSupport
import XCTest

/// The fetch through the two-tier cache (docs/architecture.md, "The cache seam"), in process
/// over a file tier in a temporary directory: a warm run asks GlitchTip nothing and writes the
/// same stream; `--refresh` reads nothing and writes what it fetched; an entry past its TTL is
/// fetched again, alone.
final class CurrentCacheTests: XCTestCase {
    private var server = InMemoryListings()
    private let keys = CurrentFixture.keys("gt", "Acme", "api", "web")
    private let everything = ["alerts acme/api", "alerts acme/web", "organizations", "projects acme"]

    override func setUp() {
        server = InMemoryListings()
        server.addOrganization("Acme", slug: "acme", projects: [
            (slug: "api", name: "API", alerts: [CurrentFixture.alert("a", pk: 1)]),
            (slug: "web", name: "Web", alerts: [CurrentFixture.alert("b", pk: 2)]),
        ])
    }

    func testAWarmRunAsksNothingAndWritesTheSameStream() async throws {
        let fixture = CurrentFixture(self, servers: ["gt": server])
        let cold = try fixture.cache()
        let first = try await fixture.run(keys, cache: cold)
        XCTAssertEqual(server.log.sorted(), everything)
        XCTAssertEqual([cold.hits, cold.misses], [0, 4])
        server.clearLog()
        let warm = try fixture.cache()
        let second = try await fixture.run(keys, cache: warm)
        XCTAssertEqual(server.log, [])
        XCTAssertEqual([warm.hits, warm.misses], [4, 0])
        XCTAssertEqual(second.lines, first.lines)
        XCTAssertEqual(second.all.filter { $0.kind == .project }.count, 2)
    }

    func testRefreshReadsNoEntryAndWritesWhatItFetched() async throws {
        let fixture = CurrentFixture(self, servers: ["gt": server])
        _ = try await fixture.run(keys)
        server.replaceItems(of: .alerts(organization: "acme", project: "web"), with: [CurrentFixture.alert("changed", pk: 3)])
        server.clearLog()
        let refreshing = try fixture.cache(refresh: true)
        let refreshed = try await fixture.run(keys, cache: refreshing)
        XCTAssertEqual(server.log.sorted(), everything)
        XCTAssertEqual([refreshing.hits, refreshing.misses], [0, 4])
        XCTAssertTrue(refreshed.lines.contains { $0.contains(#""name":"changed""#) })
        // The next cached run reads the refreshed entries.
        server.clearLog()
        let after = try await fixture.run(keys)
        XCTAssertEqual(server.log, [])
        XCTAssertEqual(after.lines, refreshed.lines)
    }

    func testAnEntryPastItsTTLIsFetchedAgainAlone() async throws {
        let fixture = CurrentFixture(self, servers: ["gt": server])
        _ = try await fixture.run(keys)
        server.clearLog()
        let cache = try fixture.cache(ttl: CacheTTLs(organizations: 3600, projects: 3600, alerts: 0))
        _ = try await fixture.run(keys, cache: cache)
        XCTAssertEqual(server.log.sorted(), ["alerts acme/api", "alerts acme/web"])
        XCTAssertEqual([cache.hits, cache.misses], [2, 2])
    }

    /// Entries are sealed with a key derived from the instance's token: after the token
    /// changes, no entry written with the old one is read.
    func testEntriesSealedWithAnotherTokenAreNotRead() async throws {
        var fixture = CurrentFixture(self, servers: ["gt": server])
        let first = try await fixture.run(keys)
        server.clearLog()
        fixture.token = "rotated"
        let cache = try fixture.cache()
        let second = try await fixture.run(keys, cache: cache)
        XCTAssertEqual(server.log.sorted(), everything)
        XCTAssertEqual([cache.hits, cache.misses], [0, 4])
        XCTAssertEqual(second.lines, first.lines)
    }
}
