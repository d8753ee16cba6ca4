import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// The shared cache tier on a real `redis-server` (README "Running on many hosts"): reads across
/// hosts, expiries, invalidation, and a Redis that is down. The simulator's request log is the
/// witness of what was fetched.
final class RedisTierTests: SimulatorTestCase {
    private var fleet: Fleet!
    private var scenario: Scenario!
    private var redis: RedisServer!

    // MARK: reads

    func testColdOnOneHostThenZeroRequestsOnTheOther() async throws {
        let dir = scratchDirectory()
        redis = try startRedis(in: dir)
        fleet = try await Fleet.make(for: self, in: dir, organizations: 2, projects: 10, alerts: 2)
        let a = host("a", in: dir, url: redis.url()), b = host("b", in: dir, url: redis.url())
        try await fleet.sim.clearRequests()

        let cold = try fleet.current(environment: a)
        XCTAssertEqual(cold.status, 0, cold.stderr)
        let paths1 = try await requestPaths(fleet.sim)
        XCTAssertEqual(paths1.count, 1 + 2 + 20)
        try await fleet.sim.clearRequests()
        let warm = try fleet.current(environment: b)
        XCTAssertEqual(warm.status, 0, warm.stderr)
        let paths2 = try await requestPaths(fleet.sim)
        XCTAssertEqual(paths2, [], "host b fetched from GlitchTip")
        XCTAssertEqual(warm.streamWithoutTrailer, cold.streamWithoutTrailer)
        XCTAssertEqual(try warm.trailer()?["stats"]?["cache_hits"], .int(23))
        XCTAssertEqual(warm.stderr, "")
        // The keys are the reference's, and the second tier is Redis instead of files.
        var expected = ["glitchtip:gt-00:organizations"]
        for org in 0..<2 {
            let slug = String(format: "gt-00-org-%02d", org)
            expected.append("glitchtip:gt-00:\(slug):projects")
            expected += (0..<10).map { "glitchtip:gt-00:\(slug):\(Fleet.projectName(org, $0)):alerts" }
        }
        XCTAssertEqual(try redis.keys(), expected.sorted(), "no lock key may outlive the run")
        for h in [a, b] {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: h["GT_CACHE_DIR"]!)) ?? []
            XCTAssertEqual(files.filter { $0.hasSuffix(".json") }, [])
        }
    }

    func testValuesHoldNoAlertNameWebhookOrToken() async throws {
        let dir = scratchDirectory()
        redis = try startRedis(in: dir)
        let hook = "https://hooks.planted-host.example.com/services/T0/planted-hook-secret"
        scenario = try await Scenario.make(
            for: self, in: dir, desired: ["web": [DeclaredAlert(name: "planted-alert-name", recipients: [("webhook", hook)])]],
            current: ["web": [SimState.alert("planted-alert-name", recipients: [("webhook", hook)])]])
        let env = scenario.environment.merging(host("a", in: dir, url: redis.url())) { $1 }
        let current = try Tools.run("gt-current", ["--data", scenario.dataDirectory], environment: env)
        XCTAssertEqual(current.status, 0, current.stderr)
        XCTAssertTrue(current.stdout.contains("planted-alert-name"))
        let keys = try redis.keys()
        XCTAssertEqual(keys, ["glitchtip:gt:nasa:projects", "glitchtip:gt:nasa:web:alerts", "glitchtip:gt:organizations"])
        for key in keys {
            let value = try XCTUnwrap(redis.value(key))
            XCTAssertEqual(Array(value.prefix(4)), Array("GTC1".utf8), "\(key) is not a sealed entry")
            let text = String(decoding: value, as: UTF8.self)
            for planted in ["planted-alert-name", "planted-host", "planted-hook-secret", Scenario.token, "nasa", "web"] {
                XCTAssertFalse(text.contains(planted), "\(key) shows \(planted)")
            }
        }
        // And redis-cli's own view of every value (escaped) shows none either.
        let dump = try keys.map { try redis.cli(["--no-raw", "GET", $0]) }.joined()
        XCTAssertFalse(dump.contains("planted"), dump)
    }

    func testTTLsFromTheEnvironmentAreRedisExpiries() async throws {
        let dir = scratchDirectory()
        redis = try startRedis(in: dir)
        fleet = try await Fleet.make(for: self, in: dir, organizations: 1, projects: 2, alerts: 1)
        var env = host("a", in: dir, url: redis.url())
        env["QAPI_GLITCHTIP_ORGANIZATIONS_CACHE_TTL"] = "1000"
        env["QAPI_GLITCHTIP_PROJECTS_CACHE_TTL"] = "2000"
        env["QAPI_GLITCHTIP_ALERTS_CACHE_TTL"] = "3000"
        XCTAssertEqual(try fleet.current(environment: env).status, 0)
        func ttl(_ key: String) throws -> Int {
            Int(try redis.cli(["PTTL", key]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -100
        }
        let organizations = try ttl("glitchtip:gt-00:organizations")
        let projects = try ttl("glitchtip:gt-00:gt-00-org-00:projects")
        let alerts = try ttl("glitchtip:gt-00:gt-00-org-00:\(Fleet.projectName(0, 1)):alerts")
        // Generous margins: the machine is loaded; the point is which TTL went to which key.
        XCTAssertTrue((900_000...1_000_000).contains(organizations), "\(organizations)")
        XCTAssertTrue((1_900_000...2_000_000).contains(projects), "\(projects)")
        XCTAssertTrue((2_900_000...3_000_000).contains(alerts), "\(alerts)")
        // Default 3600 s.
        let defaults = host("b", in: dir, url: redis.url(database: 1))
        XCTAssertEqual(try fleet.current(environment: defaults).status, 0)
        let seconds = Int(try redis.cli(["TTL", "glitchtip:gt-00:organizations"], database: 1)
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        XCTAssertTrue((3500...3600).contains(seconds), "\(seconds)")
    }

    func testConcurrentColdHostsFetchEachResourceOnce() async throws {
        let dir = scratchDirectory()
        redis = try startRedis(in: dir)
        fleet = try await Fleet.make(for: self, in: dir, organizations: 2, projects: 20, alerts: 1)
        try await fleet.sim.config(["latency_ms": 20])
        try await fleet.sim.clearRequests()
        let fleet = self.fleet!
        let a = host("a", in: dir, url: redis.url()), b = host("b", in: dir, url: redis.url())
        async let first = Task.detached { try fleet.current(environment: a) }.value
        async let second = Task.detached { try fleet.current(environment: b) }.value
        let (x, y) = try await (first, second)
        XCTAssertEqual(x.status, 0, x.stderr)
        XCTAssertEqual(y.status, 0, y.stderr)
        XCTAssertEqual(x.streamWithoutTrailer, y.streamWithoutTrailer)
        let paths = try await requestPaths(fleet.sim)
        XCTAssertEqual(paths.count, 1 + 2 + 40)
        XCTAssertEqual(Set(paths).count, paths.count, "a resource was fetched twice")
        XCTAssertFalse(try redis.keys().contains { $0.hasSuffix(":lock") })
    }

    func testInvalidationIsVisibleAcrossHosts() async throws {
        let dir = scratchDirectory()
        redis = try startRedis(in: dir)
        scenario = try await Scenario.make(for: self, in: dir, desired: ["web": [DeclaredAlert(name: "n")], "api": []],
                                           current: ["web": [], "api": []])
        let a = scenario.environment.merging(host("a", in: dir, url: redis.url())) { $1 }
        let b = scenario.environment.merging(host("b", in: dir, url: redis.url())) { $1 }
        let d = scenario.dataDirectory
        XCTAssertEqual(try Tools.run("gt-current", ["--data", d], environment: a).status, 0)  // warms Redis
        let applied = try scenario.pipeline(apply: true, environment: b)
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertEqual(try summary(applied)?["applied_count"], 1)
        XCTAssertFalse(try redis.keys().contains("glitchtip:gt:nasa:web:alerts"))
        XCTAssertTrue(try redis.keys().contains("glitchtip:gt:nasa:api:alerts"))
        try await scenario.sim.clearRequests()
        let seen = try Tools.run("gt-current", ["--data", d], environment: a)
        XCTAssertEqual(seen.status, 0, seen.stderr)
        let paths3 = try await requestPaths(scenario.sim)
        XCTAssertEqual(paths3, ["/api/0/projects/nasa/web/alerts/"])
        let web = try seen.body().first { $0["project"] == "web" }
        XCTAssertEqual(web?["alerts"]?.arrayValue?.compactMap { $0["name"]?.stringValue }, ["n"])
        // Converged, as host a sees it through the shared cache.
        let plan = try Tools.shell("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet)", environment: a)
        XCTAssertEqual(try plan.body().filter { $0["kind"] == "action" }.count, 0, plan.stdout)
    }

    // MARK: Redis down for reads

    func testRedisDownBeforeAndDuringARunFallsBackWithOneWarning() async throws {
        let dir = scratchDirectory()
        redis = try startRedis(in: dir, password: "planted-redis-password")
        fleet = try await Fleet.make(for: self, in: dir, organizations: 1, projects: 30, alerts: 1)
        let reference = try fleet.current(["--refresh"])
        XCTAssertEqual(reference.status, 0, reference.stderr)
        let a = host("a", in: dir, url: redis.url())

        // Killed mid-run: after the first GlitchTip requests, the rest come from GlitchTip too.
        try await fleet.sim.config(["latency_ms": 100])
        try await fleet.sim.clearRequests()
        let fleet = self.fleet!
        let run = Task.detached { try fleet.current(["--concurrency", "2"], environment: a) }
        let started = try await eventually(within: 60) { try await fleet.sim.requestLog().requests.count >= 5 }
        XCTAssertTrue(started, "gt-current never reached GlitchTip")
        redis.stop()
        let during = try await run.value
        XCTAssertEqual(during.status, 0, during.stderr)
        XCTAssertEqual(during.streamWithoutTrailer, reference.streamWithoutTrailer)
        XCTAssertEqual(during.stderr.components(separatedBy: "shared cache unavailable").count - 1, 1, during.stderr)

        // Down from the start.
        try await fleet.sim.config(["latency_ms": 0])
        try await fleet.sim.clearRequests()
        let down = try fleet.current(environment: a)
        XCTAssertEqual(down.status, 0, down.stderr)
        XCTAssertEqual(down.streamWithoutTrailer, reference.streamWithoutTrailer)
        let paths4 = try await requestPaths(fleet.sim)
        XCTAssertEqual(paths4.count, 1 + 1 + 30)
        XCTAssertEqual(down.stderr.split(separator: "\n").count, 1, down.stderr)
        XCTAssertTrue(down.stderr.contains("shared cache unavailable (redis://:***@127.0.0.1:\(redis.port)/0"), down.stderr)
        for output in [during.stdout, during.stderr, down.stdout, down.stderr] {
            XCTAssertFalse(output.contains("planted-redis-password"), output)
        }
    }
}
