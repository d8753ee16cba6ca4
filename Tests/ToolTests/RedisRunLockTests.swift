import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest
import GTCache

/// gt-apply's shared run locks on a real `redis-server` (README "Running on many hosts"): runs
/// on different hosts exclude each other, all or nothing, and stop mutating when the lock is lost.
final class RedisRunLockTests: SimulatorTestCase {
    private var scenario: Scenario!
    private var redis: RedisServer!

    // MARK: run locks

    func testConcurrentAppliesOnTwoHostsOneSkipsAndEachMutationHappensOnce() async throws {
        let dir = scratchDirectory()
        redis = try startRedis(in: dir)
        scenario = try await Scenario.make(for: self, in: dir, desired: ["web": (1...5).map { DeclaredAlert(name: "n\($0)") }],
                                           current: ["web": []])
        let d = scenario.dataDirectory
        let planFile = dir.appendingPathComponent("plan.ndjson").path
        XCTAssertEqual(try Tools.shell("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet) > '\(planFile)'",
                                       environment: scenario.environment).status, 0)
        try await scenario.sim.config(["latency_ms": 150])
        let a = host("a", in: dir, url: redis.url()), b = host("b", in: dir, url: redis.url())
        func exports(_ env: [String: String]) -> String {
            env.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
        }
        let env = scenario.environment.merging(["TMPDIR": dir.path]) { $1 }
        let run = Task.detached {
            try Tools.shell("""
                cd '\(dir.path)'
                env \(exports(a)) gt-apply --no-dry-run < '\(planFile)' > a.out & pa=$!
                env \(exports(b)) gt-apply --no-dry-run < '\(planFile)' > b.out & pb=$!
                wait $pa; ea=$?; wait $pb; eb=$?
                cat a.out b.out | grep '"kind":"summary"'; echo "exits $ea $eb"
                """, environment: env)
        }
        // While one run applies, its shared lock lives at most 600 s.
        var pttl = -2
        _ = try await eventually(within: 60) {
            pttl = Int(try redis.cli(["PTTL", "glitchtip:gt:apply-lock"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -2
            return pttl > 0
        }
        XCTAssertTrue((1...600_000).contains(pttl), "\(pttl)")
        let result = try await run.value
        XCTAssertTrue(result.stdout.contains("exits 0 0"), result.stdout + result.stderr)
        let summaries = try result.stdout.split(separator: "\n").filter { $0.hasPrefix("{") }.map { try JSONValue(parsing: String($0)) }
        XCTAssertEqual(summaries.map { $0["status"]!.stringValue! }.sorted(), ["skipped", "success"])
        XCTAssertTrue(summaries.contains { $0["reason"] == "duplicate_task" && $0["errors"] == .null })
        let posts = try await scenario.mutations().filter { $0["method"] == "POST" }
        XCTAssertEqual(posts.count, 5)
        XCTAssertEqual(try redis.keys().filter { $0.hasSuffix("apply-lock") }, [], "the owner released its lock")
    }

    func testApplyRefusesToMutateWhenRedisIsDownUnlessFileLocksOnly() async throws {
        let dir = scratchDirectory()
        redis = try startRedis(in: dir, password: "planted-redis-password")
        scenario = try await Scenario.make(for: self, in: dir, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
        let a = scenario.environment.merging(host("a", in: dir, url: redis.url())) { $1 }
        let d = scenario.dataDirectory
        let planFile = dir.appendingPathComponent("plan.ndjson").path
        XCTAssertEqual(try Tools.shell("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet) > '\(planFile)'",
                                       environment: a).status, 0)
        redis.stop()
        let plan = try String(contentsOfFile: planFile, encoding: .utf8)
        let refused = try Tools.run("gt-apply", ["--no-dry-run"], stdin: plan, environment: a)
        XCTAssertEqual(refused.status, 1, refused.stdout)
        let errors = try summary(refused)?["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertEqual(errors.count, 1, "\(errors)")
        XCTAssertTrue(errors.first?.contains("cannot take the shared run lock") == true, "\(errors)")
        XCTAssertTrue(errors.first?.contains("--file-locks-only") == true, "\(errors)")
        XCTAssertTrue(refused.stderr.contains("redis://:***@127.0.0.1:\(redis.port)/0"), refused.stderr)
        XCTAssertEqual(try summary(refused)?["applied_count"], 0)
        var mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 0)

        let forced = try Tools.run("gt-apply", ["--no-dry-run", "--file-locks-only"], stdin: plan, environment: a)
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(try summary(forced)?["applied_count"], 1)
        mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 1)
        for output in [refused.stdout, refused.stderr, forced.stdout, forced.stderr] {
            XCTAssertFalse(output.contains("planted-redis-password"), output)
        }
        XCTAssertEqual(try scenario.plan().count, 0)
    }

    func testRedisKilledMidApplyStopsFurtherMutations() async throws {
        let dir = scratchDirectory()
        redis = try startRedis(in: dir)
        scenario = try await Scenario.make(for: self, in: dir, desired: ["web": (1...6).map { DeclaredAlert(name: "n\($0)") }],
                                           current: ["web": []])
        let a = scenario.environment.merging(host("a", in: dir, url: redis.url())) { $1 }
        let d = scenario.dataDirectory
        let planFile = dir.appendingPathComponent("plan.ndjson").path
        XCTAssertEqual(try Tools.shell("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet) > '\(planFile)'",
                                       environment: a).status, 0)
        try await scenario.sim.config(["latency_ms": 300])
        try await scenario.sim.clearRequests()
        let plan = try String(contentsOfFile: planFile, encoding: .utf8)
        let run = Task.detached { try Tools.run("gt-apply", ["--no-dry-run"], stdin: plan, environment: a) }
        let mutating = try await eventually(within: 60) { try await !self.scenario.mutations().isEmpty }
        XCTAssertTrue(mutating, "gt-apply never sent a change")
        redis.stop()
        let result = try await run.value
        XCTAssertEqual(result.status, 1, result.stdout)
        let posts = try await scenario.mutations().filter { $0["method"] == "POST" }
        let applied = try XCTUnwrap(summary(result)?["applied_count"]?.intValue)
        XCTAssertEqual(Int64(posts.count), applied, "each mutation made is reported applied")
        XCTAssertLessThan(applied, 6, "mutations went on after the shared lock could no longer be held")
        XCTAssertTrue(result.stderr.contains("other hosts can no longer be excluded"), result.stderr)
        // A clean run (a new server) converges.
        redis = try startRedis(in: dir)
        let clean = try scenario.pipeline(apply: true, environment: host("a", in: dir, url: redis.url()))
        XCTAssertEqual(clean.status, 0, clean.stderr)
        XCTAssertEqual(try scenario.plan().count, 0)
    }
}
