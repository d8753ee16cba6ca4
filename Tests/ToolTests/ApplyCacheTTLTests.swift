import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// The entries gt-apply writes into the shared cache (the fresh organizations listing, a
/// project's fresh listing when no change was sent) live as long as
/// `QAPI_GLITCHTIP_{ORGANIZATIONS,ALERTS}_CACHE_TTL` say, as gt-current's do (README "Environment").
final class ApplyCacheTTLTests: SimulatorTestCase {
    func testTheEntriesGtApplyWritesHaveTheConfiguredTTLs() async throws {
        let scenario = try await Scenario.make(for: self, in: scratchDirectory(), desired: ["web": [DeclaredAlert(name: "n")], "stale": [DeclaredAlert(name: "n")]],
                                               current: ["web": [], "stale": []])
        let redis = try startRedis(in: scratchDirectory())
        let environment = scenario.environment.merging(["GT_CACHE_URL": redis.url()]) { $1 }
        let plan = scenario.directory.appendingPathComponent("plan.ndjson").path
        let d = scenario.dataDirectory
        let planned = try Tools.shell("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet) > '\(plan)'",
                                      environment: environment)
        XCTAssertEqual(planned.status, 0, planned.stderr)
        // `stale/n` is created behind the plan's back: its create is refused, no change is sent
        // to `stale`, and its fresh listing replaces the entry.
        try await scenario.setCurrent(["web": [], "stale": [SimState.alert("n")]])
        XCTAssertEqual(try redis.cli(["FLUSHALL"]).trimmingCharacters(in: .whitespacesAndNewlines), "OK")

        let ttls = ["QAPI_GLITCHTIP_ORGANIZATIONS_CACHE_TTL": "1000", "QAPI_GLITCHTIP_ALERTS_CACHE_TTL": "2000"]
        let result = try Tools.shell("gt-apply --no-dry-run < '\(plan)'", environment: environment.merging(ttls) { $1 })
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("stale plan: an alert named 'n' was created since the plan"), result.stderr)
        for (key, seconds) in [("glitchtip:gt:organizations", 1000), ("glitchtip:gt:nasa:stale:alerts", 2000)] {
            let pttl = Int(try redis.cli(["PTTL", key]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -3
            XCTAssertTrue((1...seconds * 1000).contains(pttl), "\(key): PTTL \(pttl) ms, configured \(seconds) s")
        }
        XCTAssertEqual(try redis.cli(["EXISTS", "glitchtip:gt:nasa:web:alerts"]).trimmingCharacters(in: .whitespacesAndNewlines), "0")
    }
}
