import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// `gt-apply --no-dry-run` without an App-Interface source is a usage error (exit 64), found
/// before any lock is taken: no lock file in `GT_LOCK_DIR`, no shared lock key in Redis, no
/// request (README "Exit status").
final class ApplyUsageBeforeLockTests: SimulatorTestCase {
    func testNoDryRunWithoutASourceExits64BeforeAnyLock() async throws {
        let scenario = try await Scenario.make(for: self, in: scratchDirectory(), desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
        let redis = try startRedis(in: scratchDirectory())
        let plan = scenario.directory.appendingPathComponent("plan.ndjson").path
        let planned = try Tools.shell("gt-desired --data '\(scenario.dataDirectory)' | gt-diff <(gt-current --data '\(scenario.dataDirectory)' --quiet) > '\(plan)'",
                                      environment: scenario.environment)
        XCTAssertEqual(planned.status, 0, planned.stderr)
        let locks = scenario.directory.appendingPathComponent("locks")
        XCTAssertEqual(mkdir(locks.path, 0o700), 0)
        try await scenario.sim.clearRequests()

        let result = try Tools.shell("gt-apply --no-dry-run < '\(plan)'", environment: scenario.environment.merging([
            "GT_DATA_DIR": "", "GT_LOCK_DIR": locks.path, "GT_CACHE_URL": redis.url()]) { $1 })
        XCTAssertEqual(result.status, 64, result.stderr)
        XCTAssertTrue(result.stderr.contains("--no-dry-run checks the plan's instances against App-Interface: no App-Interface source"),
                      result.stderr)
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: locks.path), [], "a lock file was created")
        XCTAssertEqual(try redis.keys(), [], "a shared lock key was left")
        // Not even taken and released: the server ran nothing but this test's own commands.
        let commands = try redis.cli(["INFO", "commandstats"]).split(whereSeparator: \.isNewline)
            .compactMap { $0.hasPrefix("cmdstat_") ? $0.dropFirst(8).split(separator: ":").first.map(String.init) : nil }
        XCTAssertEqual(Set(commands).subtracting(["keys", "scan", "info", "command", "ping"]), [], "gt-apply sent Redis commands")
        let requests = try await scenario.sim.requestLog().requests
        XCTAssertEqual(requests.count, 0)

        // A dry run needs no source; --record-unreported-run reads no plan and needs none either.
        let dry = try Tools.shell("gt-apply < '\(plan)'", environment: scenario.environment.merging(["GT_DATA_DIR": ""]) { $1 })
        XCTAssertEqual(dry.status, 0, dry.stderr)
        let metrics = scenario.directory.appendingPathComponent("gt.prom").path
        let unreported = try Tools.shell("gt-apply --no-dry-run --record-unreported-run failed --metrics-file '\(metrics)' < /dev/null",
                                         environment: scenario.environment.merging(["GT_DATA_DIR": ""]) { $1 })
        XCTAssertEqual(unreported.status, 0, unreported.stderr)
    }
}
