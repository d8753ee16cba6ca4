import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest
import GTCache

/// The shared cache's URL never shows its password, parse errors included (README "Running on
/// many hosts"), and takes the password where redis-py's `from_url` takes it: user info on
/// `redis://` and `unix://`, `?password=` (and `?username=`) on both.
final class RedisURLPasswordTests: SimulatorTestCase {
    private var fleet: Fleet?

    static let planted = "Planted-Redis-Pw"
    static let p = planted
    static let emptyPlan = #"{"generator":"test","kind":"header","stream":"actions","version":1}"# + "\n"
        + #"{"complete":true,"errors":0,"kind":"end","records":0,"stats":{},"stream":"actions"}"# + "\n"

    /// Malformed cache URLs, each with the planted password somewhere in it (but where a host
    /// goes: `redis://secret:1/0` shows `secret` as the host it is written as).
    static let malformed: [String] = [
        "unix://:\(p)@/run/redis.sock?db=x", "unix://:\(p)@relative.sock", "unix://:\(p)@host/run/redis.sock",
        "unix:///run/redis.sock?db=1&password=\(p)&bogus=1", "unix:///run/redis.sock?password=\(p)&password=\(p)",
        "unix://gt@/run/redis.sock?db=\(p)",
        "unix:///run/redis.sock?db=1&password=\(p)#frag", "unix:\(p)", "unix://\(p)",
        "redis://host:6379/0?password=\(p)&db=x", "redis://host:6379/x?password=\(p)", "redis://host:6379/\(p)",
        "redis://:\(p)@host:notaport/0", "redis://:\(p)@host:99999/0", "redis://:\(p)@host:0/0", "redis://:\(p)/0",
        "redis://:\(p)", "redis://gt:\(p)@", "redis://:\(p)@[::1/0", "redis://:\(p)@[::1]x/0",
        "redis://:pa?\(p)@host/0", "redis://:pa#\(p)@host/0", "redis://host/0#\(p)", "redis://:pa/\(p)@host/0",
        "redis://host/0?password=\(p)&password=x", "redis://:\(p)@host/0?password=\(p)", "redis://host/0?username=\(p)",
        "redis://host/0?socket_timeout=\(p)", "redis://host/0?\(p)", "redis://host/0?\(p)=1", "redis://host/0?db=1&\(p)",
        "redis://ho st:\(p)/0", "redis://host/0?db=99999999999999999999&password=\(p)",
        "rediss://:\(p)@host:6380/0", "rediss://host/0?password=\(p)", "memcached://:\(p)@host:11211", "\(p)://host",
        p, ":\(p)@host", "redis:/:\(p)@host", "REDIS://:\(p)@host/0x", " redis://:\(p)@host:6379/0?db=z",
        "redis://:\(p)@host:6379/0?db=-1", "redis://:\(p)@host/0?db=+1", "unix://:\(p)@/run/redis.sock?db= 1",
        "redis://\u{0}:\(p)@host/0\u{0}", "redis://:\(p)@" + String(repeating: "h", count: 70_000) + ":x",
    ]

    func testEveryMalformedURLIsRefusedWithoutItsPassword() {
        for text in Self.malformed {
            XCTAssertThrowsError(try RedisURL(parsing: text), text) { error in
                XCTAssertFalse("\(error)".contains(Self.planted), "\(error)")
                XCTAssertTrue("\(error)".hasPrefix("cache URL "), "\(error)")
            }
        }
    }

    /// Through both tools, from the flag (a usage error, 64) and from `GT_CACHE_URL` (1).
    func testNeitherToolPrintsThePasswordOfAMalformedURL() async throws {
        let dir = scratchDirectory()
        fleet = try await Fleet.make(for: self, in: dir, organizations: 1, projects: 1, alerts: 1)
        let fleet = try XCTUnwrap(fleet)
        for text in Self.malformed where !text.contains("\u{0}") {  // an argv cannot carry NUL
            let fromFlag = try fleet.current(["--cache-url", text], environment: host("a", in: dir, url: ""))
            XCTAssertEqual(fromFlag.status, 64, text)
            XCTAssertTrue(fromFlag.stderr.contains("--cache-url: cache URL "), fromFlag.stderr)
            let fromEnvironment = try fleet.current(environment: host("b", in: dir, url: text))
            XCTAssertEqual(fromEnvironment.status, 1, text)
            XCTAssertTrue(fromEnvironment.stderr.contains("GT_CACHE_URL: cache URL "), fromEnvironment.stderr)
            let applyFlag = try Tools.run("gt-apply", ["--cache-url", text], stdin: "")
            XCTAssertEqual(applyFlag.status, 64, text)
            let applyEnvironment = try Tools.run("gt-apply", ["--no-dry-run", "--data", fleet.dataDirectory], stdin: Self.emptyPlan,
                                                 environment: host("c", in: dir, url: text))
            XCTAssertEqual(applyEnvironment.status, 1, text)
            XCTAssertTrue(applyEnvironment.stderr.contains("GT_CACHE_URL: cache URL "), applyEnvironment.stderr)
            for output in [fromFlag, fromEnvironment, applyFlag, applyEnvironment].flatMap({ [$0.stdout, $0.stderr] }) {
                XCTAssertFalse(output.contains(Self.planted), "\(text): \(output)")
            }
        }
    }

    /// The forms redis-py accepts, and how each is shown.
    func testThePasswordFormsOfRedisPy() throws {
        let cases: [(String, RedisURL, String)] = [
            ("unix://:pw@/run/redis.sock", RedisURL(endpoint: .unix(path: "/run/redis.sock"), password: "pw"),
             "unix://:***@/run/redis.sock"),
            ("unix://gt:p%40w@/run/redis.sock?db=3", RedisURL(endpoint: .unix(path: "/run/redis.sock"), database: 3, user: "gt", password: "p@w"),
             "unix://gt:***@/run/redis.sock?db=3"),
            ("unix:///run/redis.sock?db=1&password=pw", RedisURL(endpoint: .unix(path: "/run/redis.sock"), database: 1, password: "pw"),
             "unix://:***@/run/redis.sock?db=1"),
            // parse_qs then unquote: `+` is a space, and an escape is decoded twice.
            ("unix:///run/redis.sock?username=gt&password=a+b%2540", RedisURL(endpoint: .unix(path: "/run/redis.sock"), user: "gt", password: "a b@"),
             "unix://gt:***@/run/redis.sock"),
            ("redis://host:6379/0?password=pw", RedisURL(endpoint: .tcp(host: "host", port: 6379), password: "pw"),
             "redis://:***@host:6379/0"),
            ("redis://host/2?db=5&password=pw&username=gt", RedisURL(endpoint: .tcp(host: "host", port: 6379), database: 5, user: "gt", password: "pw"),
             "redis://gt:***@host:6379/5"),
            ("redis://:pw@host/0?db=&password=", RedisURL(endpoint: .tcp(host: "host", port: 6379), password: "pw"),
             "redis://:***@host:6379/0"),
            // Python's unquote keeps a `%` that starts no escape.
            ("unix:///run/redis.sock?password=a%zz", RedisURL(endpoint: .unix(path: "/run/redis.sock"), password: "a%zz"),
             "unix://:***@/run/redis.sock"),
            ("redis://:p%G0@host", RedisURL(endpoint: .tcp(host: "host", port: 6379), password: "p%G0"), "redis://:***@host:6379/0"),
        ]
        for (text, expected, shown) in cases {
            XCTAssertEqual(try RedisURL(parsing: text), expected, text)
            XCTAssertEqual(try RedisURL(parsing: text).description, shown, text)
        }
    }

    /// A socket protected by `requirepass`, reached with the password in user info and in the
    /// query; the keys land in the database the URL names.
    func testASocketWithRequirepass() async throws {
        let dir = scratchDirectory()
        let redis = try startRedis(in: dir, password: Self.planted, unixSocket: true)
        fleet = try await Fleet.make(for: self, in: dir, organizations: 1, projects: 2, alerts: 1)
        let fleet = try XCTUnwrap(fleet)
        let socket = try XCTUnwrap(redis.socketPath)
        let urls = ["unix://:\(Self.planted)@\(socket)?db=2", "unix://\(socket)?db=3&password=\(Self.planted)",
                    "redis://127.0.0.1:\(redis.port)/0?password=\(Self.planted)&db=4"]
        for (index, url) in urls.enumerated() {
            let result = try fleet.current(environment: host("h\(index)", in: dir, url: url))
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertEqual(result.stderr, "", url)
            XCTAssertEqual(try redis.keys(database: 2 + index).count, 1 + 1 + 2, url)
        }
        // The wrong password is refused by the server, named without the password.
        let wrong = try fleet.current(["--cache-url", "unix://\(socket)?password=not-\(Self.planted)"], environment: host("w", in: dir, url: ""))
        XCTAssertEqual(wrong.status, 0, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("unix://:***@\(socket): authentication refused"), wrong.stderr)
        XCTAssertFalse(wrong.stderr.contains(Self.planted), wrong.stderr)
    }
}
