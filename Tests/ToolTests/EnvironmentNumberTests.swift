import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest

/// Numbers from the environment and from flags (docs/rules.md, "Numbers"):
/// `QAPI_GLITCHTIP_ALERTS_CACHE_TTL=inf` or `1e17` crashed gt-current with the Redis tier. Each
/// is checked where it is read: a clean message naming the variable or flag, never a signal.
final class EnvironmentNumberTests: SimulatorTestCase {

    /// Texts no count of seconds may be: 10^17 and an exponent, -1, infinity and NaN (as
    /// strtod spells them), a fraction, hex, 2^63 and -2^63-1, and one past 30 days.
    static let hostileSeconds = ["1e17", "100000000000000000", "-1", "inf", "-inf", "nan", "NaN", "1.5", "0x10",
                                 "9223372036854775808", "-9223372036854775809", "2592001", " 60", "60s"]

    private func assertClean(_ result: ToolResult, _ what: String, status: Int32, naming name: String, line: UInt = #line) {
        XCTAssertFalse(result.signalled || result.status >= 128, "\(what): killed by a signal: \(result.stderr.suffix(1500))", line: line)
        XCTAssertEqual(result.status, status, "\(what): \(result.stderr.suffix(1500))", line: line)
        XCTAssertTrue(result.stderr.contains(name), "\(what) does not name \(name): \(result.stderr.suffix(1500))", line: line)
    }

    func testCacheTTLsOutOfRangeAreRefusedWithBothTiers() async throws {
        let dir = scratchDirectory()
        let redis = try startRedis(in: dir)
        let scenario = try await Scenario.make(for: self, in: dir, desired: ["web": [DeclaredAlert(name: "a")]],
                                               current: ["web": [SimState.alert("a")]])
        let reference = try Tools.run("gt-current", ["--data", scenario.dataDirectory, "--quiet"], environment: scenario.environment)
        XCTAssertEqual(reference.status, 0, reference.stderr)
        for tier in ["files", "redis"] {
            for name in ["ORGANIZATIONS", "PROJECTS", "ALERTS"] {
                let variable = "QAPI_GLITCHTIP_\(name)_CACHE_TTL"
                for value in Self.hostileSeconds {
                    var env = scenario.environment
                    env[variable] = value
                    if tier == "redis" { env["GT_CACHE_URL"] = redis.url() }
                    let result = try Tools.run("gt-current", ["--data", scenario.dataDirectory, "--quiet", "--refresh"], environment: env)
                    assertClean(result, "\(tier): \(variable)=\(value)", status: 1, naming: variable)
                    XCTAssertTrue(result.stdout.contains(#""complete":false"#), result.stdout)
                }
            }
            // The edges: 0 (nothing kept) and 30 days.
            for value in ["0", "2592000"] {
                var env = scenario.environment
                env["QAPI_GLITCHTIP_ALERTS_CACHE_TTL"] = value
                if tier == "redis" { env["GT_CACHE_URL"] = redis.url() }
                let result = try Tools.run("gt-current", ["--data", scenario.dataDirectory, "--quiet", "--refresh"], environment: env)
                XCTAssertEqual(result.status, 0, "\(tier), \(value): \(result.stderr)")
                XCTAssertEqual(result.streamWithoutTrailer, reference.streamWithoutTrailer)
            }
        }
        let ttl = Int(try redis.cli(["TTL", "glitchtip:gt:nasa:web:alerts"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        XCTAssertTrue((2_591_000...2_592_000).contains(ttl), "\(ttl)")
    }

    /// Every numeric flag of the tools: ArgumentParser's or the tool's own check, exit 64
    /// (gt-reconcile's `--timeout`: ReconcileTimeoutFlagTests).
    func testNumericFlagsOutOfRangeAreRefused() throws {
        let hostile = ["1e17", "-1", "inf", "nan", "1.5", "10x", "9223372036854775808", "-9223372036854775809"]
        let cases: [(tool: String, flag: String, extra: [String])] = [
            ("gt-current", "--concurrency", ["0", "257"]),
            ("gt-apply", "--concurrency", ["0", "257"]),
            ("gt-apply", "--max-deletes", []),
        ]
        let data = scratchDirectory().path  // never read: the flags are refused first
        for (tool, flag, extra) in cases {
            for value in hostile + extra {
                let result = try Tools.run(tool, ["--data", data, flag, value], stdin: "")
                assertClean(result, "\(tool) \(flag) \(value)", status: 64, naming: flag)
            }
        }
    }
}
