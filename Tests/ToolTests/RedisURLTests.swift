import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest
import GTCache

/// The shared cache's URL forms (`GT_CACHE_URL`, `--cache-url`): password, Unix socket, database;
/// printed without the password; malformed ones refused clearly.
final class RedisURLTests: SimulatorTestCase {
    private var fleet: Fleet!
    private var redis: RedisServer!

    // MARK: URL forms

    func testPasswordUnixSocketAndDatabase() async throws {
        let dir = scratchDirectory()
        redis = try startRedis(in: dir, password: "planted-redis-password", unixSocket: true)
        fleet = try await Fleet.make(for: self, in: dir, organizations: 1, projects: 2, alerts: 1)
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
        redis = try startRedis(in: dir, unixSocket: true)
        fleet = try await Fleet.make(for: self, in: dir, organizations: 1, projects: 2, alerts: 1)
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
        fleet = try await Fleet.make(for: self, in: dir, organizations: 1, projects: 1, alerts: 1)
        let tls = try fleet.current(["--cache-url", "rediss://:planted-redis-password@redis.example.com:6380/0"])
        XCTAssertEqual(tls.status, 64, "a bad flag")
        XCTAssertTrue(tls.stderr.contains("TLS is not supported"), tls.stderr)
        XCTAssertTrue(tls.stderr.contains("local TLS tunnel"), tls.stderr)
        XCTAssertFalse(tls.stderr.contains("planted-redis-password"), tls.stderr)
        let bad = try fleet.current(environment: ["GT_CACHE_URL": "memcached://127.0.0.1:11211"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("GT_CACHE_URL: cache URL memcached://127.0.0.1:11211: expected redis://[[user]:password@]host[:port][/db] "
            + "or unix://[[user]:password@]/path/to/redis.sock, each with [?db=N&password=…&username=…]"), bad.stderr)
        let apply = try Tools.run("gt-apply", ["--cache-url", "redis://:planted-redis-password@h:notaport"], stdin: "")
        XCTAssertEqual(apply.status, 64)
        XCTAssertTrue(apply.stderr.contains("--cache-url: cache URL redis://…@h:…: the port must be a number from 1 to 65535"), apply.stderr)
        XCTAssertFalse(apply.stderr.contains("planted-redis-password"), apply.stderr)
    }
}
