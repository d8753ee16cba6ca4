import Foundation
import GTCommon
import GTTestSupport
import XCTest

/// The shared cache tier and run locks on a real `redis-server` (README "Running on many
/// hosts"). A "host" is a separate HOME, cache and lock directory and its own processes; hosts
/// share only the Redis server. The simulator's request log is the witness of what was fetched.
final class RedisTierTests: XCTestCase {
    private var fleet: Fleet!
    private var scenario: Scenario!
    private var redis: RedisServer!

    override func tearDown() async throws {
        fleet?.sim.stop()
        scenario?.sim.stop()
        redis?.stop()
    }

    /// A host's own directories, and the shared cache URL.
    private func host(_ name: String, in directory: URL, url: String) -> [String: String] {
        let home = directory.appendingPathComponent("host-\(name)")
        try? FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        return ["HOME": home.path, "GT_CACHE_DIR": home.appendingPathComponent("cache").path,
                "GT_LOCK_DIR": home.path, "GT_CACHE_URL": url]
    }

    private func requestPaths(_ sim: Simulator) async throws -> [String] {
        try await sim.requestLog().requests.map { $0["path"]!.stringValue! }
    }

    // MARK: reads

    func testColdOnOneHostThenZeroRequestsOnTheOther() async throws {
        let dir = scratchDirectory()
        redis = try RedisServer(in: dir)
        fleet = try await Fleet.make(in: dir, organizations: 2, projects: 10, alerts: 2)
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
        redis = try RedisServer(in: dir)
        let hook = "https://hooks.planted-host.example.com/services/T0/planted-hook-secret"
        scenario = try await Scenario.make(
            in: dir, desired: ["web": [DeclaredAlert(name: "planted-alert-name", recipients: [("webhook", hook)])]],
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
        redis = try RedisServer(in: dir)
        fleet = try await Fleet.make(in: dir, organizations: 1, projects: 2, alerts: 1)
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
        redis = try RedisServer(in: dir)
        fleet = try await Fleet.make(in: dir, organizations: 2, projects: 20, alerts: 1)
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
        redis = try RedisServer(in: dir)
        scenario = try await Scenario.make(in: dir, desired: ["web": [DeclaredAlert(name: "n")], "api": []],
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

    // MARK: run locks

    func testConcurrentAppliesOnTwoHostsOneSkipsAndEachMutationHappensOnce() async throws {
        let dir = scratchDirectory()
        redis = try RedisServer(in: dir)
        scenario = try await Scenario.make(in: dir, desired: ["web": (1...5).map { DeclaredAlert(name: "n\($0)") }],
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
        for _ in 0..<100 {
            try await Task.sleep(nanoseconds: 50_000_000)
            if let value = Int(try redis.cli(["PTTL", "glitchtip:gt:apply-lock"]).trimmingCharacters(in: .whitespacesAndNewlines)),
               value > 0 { pttl = value; break }
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

    func testRunLockIsAllOrNothingExtendedWhileHeldAndReleasedOnlyByItsOwner() async throws {
        redis = try RedisServer(in: scratchDirectory())
        let client = RedisClient(url: try RedisURL(parsing: redis.url()))
        func pttl(_ instance: String) throws -> Int {
            Int(try redis.cli(["PTTL", RedisRunLock.key(instance: instance)]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -100
        }
        // Another run holds "b": a run for {a, b} takes neither (and leaves "a" free again).
        XCTAssertTrue(try client.tryLock(RedisRunLock.key(instance: "b"), token: "other-run", milliseconds: 60_000))
        guard case .busy(let instance) = try RedisRunLock.acquire(client, instances: ["b", "a"]) else {
            return XCTFail("took a lock another run holds")
        }
        XCTAssertEqual(instance, "b")
        XCTAssertEqual(try pttl("a"), -2, "the lock on a was not released")
        XCTAssertFalse(try client.unlock(RedisRunLock.key(instance: "b"), token: "not-the-owner"), "a stranger released a lock")
        XCTAssertTrue(try client.unlock(RedisRunLock.key(instance: "b"), token: "other-run"))

        // Held for 3 s at a time, extended every second: alive well past 3 s.
        guard case .acquired(let lock) = try RedisRunLock.acquire(client, instances: ["a", "b"], milliseconds: 3000) else {
            return XCTFail("could not take free locks")
        }
        if case .acquired = try RedisRunLock.acquire(client, instances: ["b"]) { XCTFail("two runs hold b") }
        try await Task.sleep(nanoseconds: 5_000_000_000)
        XCTAssertGreaterThan(try pttl("a"), 0, "not extended")
        XCTAssertGreaterThan(try pttl("b"), 0, "not extended")
        XCTAssertNil(lock.lost)
        XCTAssertNil(lock.release())
        XCTAssertEqual(try redis.keys(), [])
        // The server gone: acquiring throws (gt-apply then refuses), never "acquired".
        redis.stop()
        XCTAssertThrowsError(try RedisRunLock.acquire(RedisClient(url: try RedisURL(parsing: redis.url())), instances: ["a"]))
    }

    func testApplyRefusesToMutateWhenRedisIsDownUnlessFileLocksOnly() async throws {
        let dir = scratchDirectory()
        redis = try RedisServer(in: dir, password: "planted-redis-password")
        scenario = try await Scenario.make(in: dir, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
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
        redis = try RedisServer(in: dir)
        scenario = try await Scenario.make(in: dir, desired: ["web": (1...6).map { DeclaredAlert(name: "n\($0)") }],
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
        for _ in 0..<400 {
            if try await !scenario.mutations().isEmpty { break }
            try await Task.sleep(nanoseconds: 25_000_000)
        }
        redis.stop()
        let result = try await run.value
        XCTAssertEqual(result.status, 1, result.stdout)
        let posts = try await scenario.mutations().filter { $0["method"] == "POST" }
        let applied = try XCTUnwrap(summary(result)?["applied_count"]?.intValue)
        XCTAssertEqual(Int64(posts.count), applied, "each mutation made is reported applied")
        XCTAssertLessThan(applied, 6, "mutations went on after the shared lock could no longer be held")
        XCTAssertTrue(result.stderr.contains("other hosts can no longer be excluded"), result.stderr)
        // A clean run (a new server) converges.
        redis = try RedisServer(in: dir)
        let clean = try scenario.pipeline(apply: true, environment: host("a", in: dir, url: redis.url()))
        XCTAssertEqual(clean.status, 0, clean.stderr)
        XCTAssertEqual(try scenario.plan().count, 0)
    }

    // MARK: Redis down for reads

    func testRedisDownBeforeAndDuringARunFallsBackWithOneWarning() async throws {
        let dir = scratchDirectory()
        redis = try RedisServer(in: dir, password: "planted-redis-password")
        fleet = try await Fleet.make(in: dir, organizations: 1, projects: 30, alerts: 1)
        let reference = try fleet.current(["--refresh"])
        XCTAssertEqual(reference.status, 0, reference.stderr)
        let a = host("a", in: dir, url: redis.url())

        // Killed mid-run: after the first GlitchTip requests, the rest come from GlitchTip too.
        try await fleet.sim.config(["latency_ms": 100])
        try await fleet.sim.clearRequests()
        let fleet = self.fleet!
        let run = Task.detached { try fleet.current(["--concurrency", "2"], environment: a) }
        for _ in 0..<400 {
            if try await fleet.sim.requestLog().requests.count >= 5 { break }
            try await Task.sleep(nanoseconds: 25_000_000)
        }
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

    // MARK: URL forms

    func testPasswordUnixSocketAndDatabase() async throws {
        let dir = scratchDirectory()
        redis = try RedisServer(in: dir, password: "planted-redis-password", unixSocket: true)
        fleet = try await Fleet.make(in: dir, organizations: 1, projects: 2, alerts: 1)
        let withPassword = try fleet.current(environment: host("a", in: dir, url: redis.url(database: 3)))
        XCTAssertEqual(withPassword.status, 0, withPassword.stderr)
        XCTAssertEqual(withPassword.stderr, "")
        XCTAssertEqual(try redis.keys(database: 3).count, 1 + 1 + 2)
        XCTAssertEqual(try redis.keys(database: 0), [])

        let wrong = try fleet.current(["--cache-url", "redis://:not-the-planted-one@127.0.0.1:\(redis.port)/0"],
                                      environment: host("b", in: dir, url: ""))
        XCTAssertEqual(wrong.status, 0, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("authentication refused"), wrong.stderr)
        XCTAssertFalse(wrong.stderr.contains("not-the-planted-one"), wrong.stderr)

        // A unix socket (this server requires the password there too: the flag's URL has none,
        // so Redis refuses, and the run still succeeds from GlitchTip).
        let socket = try fleet.current(["--cache-url", "unix://\(redis.socketPath!)?db=2"], environment: host("c", in: dir, url: ""))
        XCTAssertEqual(socket.status, 0, socket.stderr)
        XCTAssertTrue(socket.stderr.contains("unix://\(redis.socketPath!)?db=2"), socket.stderr)
        for output in [withPassword.stderr, wrong.stdout, socket.stderr] {
            XCTAssertFalse(output.contains("planted-redis-password"), output)
        }
    }

    func testUnixSocketWithoutPassword() async throws {
        let dir = scratchDirectory()
        redis = try RedisServer(in: dir, unixSocket: true)
        fleet = try await Fleet.make(in: dir, organizations: 1, projects: 2, alerts: 1)
        let cold = try fleet.current(environment: host("a", in: dir, url: "unix://\(redis.socketPath!)?db=2"))
        XCTAssertEqual(cold.status, 0, cold.stderr)
        XCTAssertEqual(cold.stderr, "")
        XCTAssertEqual(try redis.keys(database: 2).count, 1 + 1 + 2)
        try await fleet.sim.clearRequests()
        let warm = try fleet.current(environment: host("b", in: dir, url: "unix://\(redis.socketPath!)?db=2"))
        XCTAssertEqual(warm.status, 0, warm.stderr)
        let paths5 = try await requestPaths(fleet.sim)
        XCTAssertEqual(paths5, [])
    }

    func testURLFormsAndTheirPrintedFormHideThePassword() throws {
        let full = try RedisURL(parsing: "redis://:pa%40ss@cache.internal:6380/2")
        XCTAssertEqual(full.endpoint, .tcp(host: "cache.internal", port: 6380))
        XCTAssertEqual(full.password, "pa@ss")
        XCTAssertNil(full.user)
        XCTAssertEqual(full.database, 2)
        XCTAssertEqual(full.description, "redis://:***@cache.internal:6380/2")
        let acl = try RedisURL(parsing: "redis://gt:secret@[::1]")
        XCTAssertEqual(acl.endpoint, .tcp(host: "::1", port: 6379))
        XCTAssertEqual(acl.user, "gt")
        XCTAssertEqual(acl.description, "redis://gt:***@[::1]:6379/0")
        XCTAssertEqual(try RedisURL(parsing: "redis://h").description, "redis://h:6379/0")
        let socket = try RedisURL(parsing: "unix:///run/redis.sock?db=4")
        XCTAssertEqual(socket.endpoint, .unix(path: "/run/redis.sock"))
        XCTAssertEqual(socket.database, 4)
        for bad in ["redis://h:0", "redis://h:port", "redis://h/x", "redis://", "unix://relative.sock", "unix:///s?x=1", "http://h"] {
            XCTAssertThrowsError(try RedisURL(parsing: bad), bad)
        }
        XCTAssertNil(try RedisURL.configured(flag: nil, environment: ["GT_CACHE_URL": ""]))
        XCTAssertEqual(try RedisURL.configured(flag: "redis://flag", environment: ["GT_CACHE_URL": "redis://env"])?.endpoint,
                       .tcp(host: "flag", port: 6379))
    }

    func testRedissAndMalformedURLsAreRefusedClearly() async throws {
        let dir = scratchDirectory()
        fleet = try await Fleet.make(in: dir, organizations: 1, projects: 1, alerts: 1)
        let tls = try fleet.current(["--cache-url", "rediss://:planted-redis-password@redis.example.com:6380/0"])
        XCTAssertEqual(tls.status, 64, "a bad flag")
        XCTAssertTrue(tls.stderr.contains("TLS is not supported"), tls.stderr)
        XCTAssertTrue(tls.stderr.contains("local TLS tunnel"), tls.stderr)
        XCTAssertFalse(tls.stderr.contains("planted-redis-password"), tls.stderr)
        let bad = try fleet.current(environment: ["GT_CACHE_URL": "memcached://127.0.0.1:11211"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("expected redis://[:password@]host[:port][/db] or unix:///path/to/redis.sock[?db=N]"), bad.stderr)
        let apply = try Tools.run("gt-apply", ["--cache-url", "redis://:planted-redis-password@h:notaport"], stdin: "")
        XCTAssertEqual(apply.status, 64)
        XCTAssertTrue(apply.stderr.contains("--cache-url: cache URL redis://h:notaport: bad port"), apply.stderr)
        XCTAssertFalse(apply.stderr.contains("planted-redis-password"), apply.stderr)
    }
}
