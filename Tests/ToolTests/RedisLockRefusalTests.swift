import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest
import GTCache

/// What gt-apply refuses up front on the shared tier, before any lock or change (issue 20 item 4
/// and "Noticed too"): a server that cannot run its lock scripts, and a lock key gt would
/// otherwise wait on forever (no expiry, a value gt did not write, a holder over 600 s). Never
/// skipped with exit 0, never deleted: the message says who holds it, since when, and how to clear it.
final class RedisLockRefusalTests: SimulatorTestCase {
    private var scenario: Scenario!
    private var redis: RedisServer!
    private let key = RedisRunLock.key(instance: "gt")

    /// A scenario with one create to apply, and its saved plan.
    private func oneCreate() async throws -> String {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
        let plan = try String(contentsOfFile: try scenario.savedPlan(), encoding: .utf8)
        try await scenario.sim.clearRequests()
        return plan
    }

    private func apply(_ plan: String, url: String, _ extra: [String: String] = [:]) throws -> ToolResult {
        let environment = scenario.environment.merging(host("a", in: scenario.directory, url: url)) { $1 }
        return try Tools.run("gt-apply", ["--no-dry-run", "--format", "ndjson"], stdin: plan,
                             environment: environment.merging(extra) { $1 })
    }

    /// Exit 1, status failed, nothing changed, and stderr says each of `phrases`.
    private func assertRefused(_ result: ToolResult, saying phrases: [String],
                               file: StaticString = #filePath, line: UInt = #line) async throws {
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr, file: file, line: line)
        XCTAssertEqual(try summary(result)?["status"], "failed", result.stdout, file: file, line: line)
        XCTAssertEqual(try summary(result)?["applied_count"], 0, result.stdout, file: file, line: line)
        for phrase in phrases {
            XCTAssertTrue(result.stderr.contains(phrase), "'\(phrase)' not in: \(result.stderr)", file: file, line: line)
        }
        let mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 0, file: file, line: line)
    }

    // MARK: a server that cannot run the lock scripts (item 4)

    func testEVALRenamedAwayIsRefusedBeforeAnyLockIsTaken() async throws {
        redis = try startRedis(in: scratchDirectory(), configuration: ["--rename-command", "EVAL", ""])
        let plan = try await oneCreate()
        let result = try apply(plan, url: redis.url())
        try await assertRefused(result, saying: ["cannot take the shared run lock", "EVAL", "unknown command",
                                                 "renamed or disabled", "nothing applied"])
        XCTAssertEqual(try redis.keys(), [], "a lock or probe key was left behind")
    }

    func testACLUserWithoutScriptingIsRefusedBeforeAnyLockIsTaken() async throws {
        redis = try startRedis(in: scratchDirectory())
        let plan = try await oneCreate()
        let password = "planted-acl-password"
        try redis.cli(["ACL", "SETUSER", "gt-noscript", "on", ">\(password)", "~*", "&*", "+@all", "-@scripting"])
        let result = try apply(plan, url: "redis://gt-noscript:\(password)@127.0.0.1:\(redis.port)/0")
        try await assertRefused(result, saying: ["cannot take the shared run lock", "NOPERM", "the ACL user may not run EVAL",
                                                 "nothing applied"])
        XCTAssertFalse(result.stdout.contains(password) || result.stderr.contains(password), "the password was printed")
        XCTAssertEqual(try redis.keys(), [])

        // Scripts allowed, but not a command the lock scripts call: refused too, no lock left.
        try redis.cli(["ACL", "SETUSER", "gt-nodel", "on", ">\(password)", "~*", "&*", "+@all", "-del"])
        let noDelete = try apply(plan, url: "redis://gt-nodel:\(password)@127.0.0.1:\(redis.port)/0")
        try await assertRefused(noDelete, saying: ["cannot take the shared run lock", "the ACL user may not run EVAL, or a command the lock scripts call",
                                                   "nothing applied"])
        XCTAssertEqual(try redis.keys().filter { $0 == key }, [], "a run lock was left behind")

        // Nothing is left that would skip the next run: a capable user applies at once.
        let next = try apply(plan, url: redis.url())
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertEqual(try summary(next)?["applied_count"], 1, next.stdout)
    }

    // MARK: a lock key gt would otherwise wait on forever ("Noticed too")

    private static func token(since: Int) -> String {
        "0123456789abcdef0123456789abcdef pid 4242 on host-z since \(since)"
    }

    private var now: Int { Int(Date().timeIntervalSince1970) }

    /// The planted key is refused with `phrases`, and left exactly as it was.
    private func assertPlantedKeyRefused(_ value: String, expiry: [String], saying phrases: [String],
                                         file: StaticString = #filePath, line: UInt = #line) async throws {
        redis = try startRedis(in: scratchDirectory())
        let plan = try await oneCreate()
        try redis.cli(["SET", key, value] + expiry)
        let result = try apply(plan, url: redis.url())
        try await assertRefused(result, saying: phrases + ["DEL \(key)", "nothing applied"], file: file, line: line)
        XCTAssertEqual(try redis.value(key).map { String(decoding: $0, as: UTF8.self) }, value, "gt changed another's key",
                       file: file, line: line)
        let ttl = Int(try redis.cli(["PTTL", key]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -100
        XCTAssertEqual(ttl < 0, expiry.isEmpty, "the key's expiry was changed: \(ttl)", file: file, line: line)
    }

    func testARunLockKeyWithoutExpiryIsReportedWithItsHolder() async throws {
        let since = now - 30
        try await assertPlantedKeyRefused(Self.token(since: since), expiry: [],
                                          saying: ["the shared run lock \(key) has no expiry", "pid 4242 on host-z",
                                                   "since \(Self.utc(since))"])
    }

    func testARunLockKeyGtDidNotWriteIsReported() async throws {
        try await assertPlantedKeyRefused("held-by-someone-else", expiry: ["PX", "60000"],
                                          saying: ["the shared run lock \(key) holds a value gt did not write"])
    }

    func testARunLockHeldForOver600sIsReportedAsStale() async throws {
        let since = now - 700
        try await assertPlantedKeyRefused(Self.token(since: since), expiry: ["PX", "60000"],
                                          saying: ["pid 4242 on host-z", "has held the shared run lock \(key) since \(Self.utc(since))",
                                                   "over 600 s: a stale holder"])
    }

    /// A live holder, in this version's token or an earlier one's (no start time), is waited
    /// on as before: skipped, exit 0, its key untouched.
    func testALiveHolderIsSkippedAsADuplicate() async throws {
        redis = try startRedis(in: scratchDirectory())
        let plan = try await oneCreate()
        for value in [Self.token(since: now - 5), "0123456789abcdef0123456789abcdef pid 4242 on host-z"] {
            try redis.cli(["SET", key, value, "PX", "60000"])
            let result = try apply(plan, url: redis.url())
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertEqual(try summary(result)?["status"], "skipped", result.stdout)
            XCTAssertEqual(try summary(result)?["reason"], "duplicate_task", result.stdout)
            XCTAssertEqual(try redis.value(key).map { String(decoding: $0, as: UTF8.self) }, value)
        }
        let mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 0)
    }

    // MARK: GT_RUN_LOCK_TTL

    func testRunLockLifetimeOutOfRangeIsRefusedNamingTheVariable() async throws {
        redis = try startRedis(in: scratchDirectory())
        let plan = try await oneCreate()
        for value in ["0", "-1", "3601", "1e3", "inf", "nan", "2.5", "99999999999999999999", " 5", "abc"] {
            let result = try apply(plan, url: redis.url(), ["GT_RUN_LOCK_TTL": value])
            try await assertRefused(result, saying: ["GT_RUN_LOCK_TTL", "a whole number of seconds from 1 to 3600"])
        }
        XCTAssertEqual(try redis.keys(), [])
        let fine = try apply(plan, url: redis.url(), ["GT_RUN_LOCK_TTL": "30"])
        XCTAssertEqual(fine.status, 0, fine.stderr)
    }

    /// `seconds` since the epoch as the messages show it: `2024-05-01T10:00:00Z`.
    static func utc(_ seconds: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
