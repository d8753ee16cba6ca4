import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest

/// gt-current against the simulator; the simulator's request log is the witness.
final class CurrentTests: SimulatorTestCase {
    private var fleet: Fleet!

    private func bulkAlerts(_ count: Int) -> [JSONValue] {
        (1...count).map { SimState.alert("bulk-\($0)", quantity: Int64($0)) }
    }

    func testColdWarmAndOneInvalidatedEntry() async throws {
        fleet = try await Fleet.make(for: self, organizations: 3, projects: 40, alerts: 2)
        try await fleet.setAlerts(organization: 1, project: 7, bulkAlerts(120))
        try await fleet.sim.clearRequests()

        let cold = try fleet.current()
        XCTAssertEqual(cold.status, 0, cold.stderr)
        var log = try await fleet.sim.requestLog()
        // 1 for the organizations, 1 per organization for projects, 1 per project for alerts,
        // and 1 more for the second page of the 120 alerts (limit=100).
        XCTAssertEqual(log.requests.count, 1 + 3 + 120 + 1)
        XCTAssertEqual(log.matching("GET", "/api/0/projects/gt-00-org-01/\(Fleet.projectName(1, 7))/alerts/").count, 2)
        XCTAssertEqual(try cold.body().filter { $0["kind"] == "project" }.count, 120)
        XCTAssertEqual(try cold.trailer()?["stats"]?["requests"], 125)
        let bulk = try cold.body().first { $0["project"]?.stringValue == Fleet.projectName(1, 7) }
        XCTAssertEqual(bulk?["alerts"]?.arrayValue?.count, 120)

        try await fleet.sim.clearRequests()
        let warm = try fleet.current()
        XCTAssertEqual(warm.status, 0, warm.stderr)
        log = try await fleet.sim.requestLog()
        XCTAssertEqual(log.requests.count, 0)
        XCTAssertEqual(warm.streamWithoutTrailer, cold.streamWithoutTrailer)
        XCTAssertEqual(try warm.trailer()?["stats"]?["cache_hits"], .int(124))  // one entry per listing, pages together

        let entry = URL(fileURLWithPath: fleet.cacheDirectory)
            .appendingPathComponent("glitchtip%3Agt-00%3Agt-00-org-02%3A\(Fleet.projectName(2, 3))%3Aalerts.json")
        try FileManager.default.removeItem(at: entry)
        let third = try fleet.current()
        XCTAssertEqual(third.status, 0, third.stderr)
        log = try await fleet.sim.requestLog()
        XCTAssertEqual(log.requests.map { $0["path"]!.stringValue! }, ["/api/0/projects/gt-00-org-02/\(Fleet.projectName(2, 3))/alerts/"])
        XCTAssertEqual(third.streamWithoutTrailer, cold.streamWithoutTrailer)
    }

    func testCorruptEntryIsAMissNotAnEmptyList() async throws {
        fleet = try await Fleet.make(for: self, organizations: 1, projects: 3, alerts: 2)
        let cold = try fleet.current()
        XCTAssertEqual(cold.status, 0, cold.stderr)
        let entry = URL(fileURLWithPath: fleet.cacheDirectory)
            .appendingPathComponent("glitchtip%3Agt-00%3Agt-00-org-00%3A\(Fleet.projectName(0, 1))%3Aalerts.json")
        try "{\"key\": \"trunc".write(to: entry, atomically: true, encoding: .utf8)
        try await fleet.sim.clearRequests()
        let again = try fleet.current()
        XCTAssertEqual(again.streamWithoutTrailer, cold.streamWithoutTrailer)
        let log = try await fleet.sim.requestLog()
        XCTAssertEqual(log.requests.count, 1)
    }

    func testTwoRunsAtOnceFetchEachResourceOnce() async throws {
        fleet = try await Fleet.make(for: self, organizations: 2, projects: 20, alerts: 1)
        try await fleet.sim.config(["latency_ms": 20])
        try await fleet.sim.clearRequests()
        let fleet = self.fleet!
        async let first = Task.detached { try fleet.current() }.value
        async let second = Task.detached { try fleet.current() }.value
        let (a, b) = try await (first, second)
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertEqual(b.status, 0, b.stderr)
        XCTAssertEqual(a.streamWithoutTrailer, b.streamWithoutTrailer)
        let log = try await fleet.sim.requestLog()
        let paths = log.requests.map { $0["path"]!.stringValue! }
        XCTAssertEqual(paths.count, 1 + 2 + 40)
        XCTAssertEqual(Set(paths).count, paths.count, "a resource was fetched twice")
    }

    func testAlertsTTLExpiresWhileOrganizationsAndProjectsStay() async throws {
        fleet = try await Fleet.make(for: self, organizations: 1, projects: 3, alerts: 1)
        let env = ["QAPI_GLITCHTIP_ALERTS_CACHE_TTL": "1"]
        XCTAssertEqual(try fleet.current(environment: env).status, 0)
        // The entries carry the wall-clock time they were stored, no later than their files'
        // mtime: once the wall clock is 1 s past the newest alerts entry, every one has expired.
        let cache = URL(fileURLWithPath: fleet.cacheDirectory)
        let alertsEntries = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix("%3Aalerts.json") }
        XCTAssertEqual(alertsEntries.count, 3, "\(alertsEntries)")
        let newest = alertsEntries.map { name -> Double in
            var info = stat()
            XCTAssertEqual(stat(cache.appendingPathComponent(name).path, &info), 0, name)
            return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        }.max() ?? .infinity
        let expired = try await eventually(within: 30) { Date().timeIntervalSince1970 > newest + 1 }
        XCTAssertTrue(expired, "the wall clock did not pass the newest alerts entry's mtime + 1 s")
        try await fleet.sim.clearRequests()
        XCTAssertEqual(try fleet.current(environment: env).status, 0)
        let paths = try await fleet.sim.requestLog().requests.map { $0["path"]!.stringValue! }
        XCTAssertEqual(paths.count, 3)
        XCTAssertTrue(paths.allSatisfy { $0.hasSuffix("/alerts/") }, "\(paths)")
    }

    private func assertFailsClosed(_ fault: JSONValue, instanceYAML: String = "maxRetries: 1",
                                   message: String, file: StaticString = #filePath, line: UInt = #line) async throws {
        fleet = try await Fleet.make(for: self, organizations: 1, projects: 4, alerts: 1, instanceYAML: instanceYAML)
        let broken = Fleet.projectName(0, 2)
        try await fleet.setAlerts(organization: 0, project: 2, bulkAlerts(120))
        guard case .object(var f) = fault else { return }
        f["path"] = .string("/api/0/projects/gt-00-org-00/\(broken)/alerts/")
        try await fleet.sim.faults([.object(f)])
        let result = try fleet.current(["--refresh"])
        XCTAssertEqual(result.status, 1, file: file, line: line)
        let body = try result.body()
        let projects = body.filter { $0["kind"] == "project" }.compactMap { $0["project"]?.stringValue }
        XCTAssertEqual(projects, [0, 1, 3].map { Fleet.projectName(0, $0) }, file: file, line: line)
        let errors = body.filter { $0["kind"] == "error" }
        XCTAssertEqual(errors.count, 1, file: file, line: line)
        XCTAssertEqual(errors.first?["scope"], ["instance": "gt-00", "organization": "gt-00-org-00", "project": .string(broken)],
                       file: file, line: line)
        let text = errors.first?["message"]?.stringValue ?? ""
        XCTAssertTrue(text.hasPrefix("gt-00/gt-00-org-00/\(broken): listing alerts failed: "), text, file: file, line: line)
        XCTAssertTrue(text.contains(message), text, file: file, line: line)
        XCTAssertTrue(result.stderr.contains(text), file: file, line: line)
        XCTAssertEqual(try result.trailer()?["errors"], 1, file: file, line: line)
        // Nothing of the broken listing was cached.
        let entries = try FileManager.default.contentsOfDirectory(atPath: fleet.cacheDirectory)
        XCTAssertFalse(entries.contains { $0.contains(broken) && $0.hasSuffix(".json") }, file: file, line: line)
    }

    func test500OnPageTwoFailsThatProjectAlone() async throws {
        try await assertFailsClosed(["method": "GET", "page": 2, "action": "status", "status": 500, "times": 0],
                                    message: "HTTP 500: HTML page 'Server Error (500)'")
        let pages = try await fleet.sim.requestLog().matching("GET", "/api/0/projects/gt-00-org-00/\(Fleet.projectName(0, 2))/alerts/")
        XCTAssertEqual(pages.count, 1 + 2)  // page 1, then page 2 and its one retry
    }

    func testHTML200FailsThatProjectAlone() async throws {
        try await assertFailsClosed(["method": "GET", "action": "html200", "times": 0], message: "expected JSON, got text/html")
    }

    func testTruncatedBodyFailsThatProjectAlone() async throws {
        try await assertFailsClosed(["method": "GET", "action": "truncate", "times": 0], message: "(curl error 18)")
    }

    func testReadTimeoutAfterRetriesFailsThatProjectAlone() async throws {
        try await assertFailsClosed(["method": "GET", "action": "slow_body", "delay_ms": 3000, "times": 0],
                                    instanceYAML: "readTimeout: 1\nmaxRetries: 1", message: "(curl error 28)")
        let attempts = try await fleet.sim.requestLog().matching("GET", "/api/0/projects/gt-00-org-00/\(Fleet.projectName(0, 2))/alerts/")
        XCTAssertEqual(attempts.count, 2)  // max_retries = 1
    }

    func test429WithRetryAfterWaitsAndSucceeds() async throws {
        fleet = try await Fleet.make(for: self, organizations: 1, projects: 2, alerts: 1)
        let path = "/api/0/projects/gt-00-org-00/\(Fleet.projectName(0, 1))/alerts/"
        try await fleet.sim.faults([["method": "GET", "path": .string(path), "action": "status", "status": 429, "retry_after": 1,
                                     "content_type": "application/json", "body": #"{"detail":"slow down"}"#]])
        let result = try fleet.current()
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try result.body().filter { $0["kind"] == "project" }.count, 2)
        let attempts = try await fleet.sim.requestLog().matching("GET", path)
        XCTAssertEqual(attempts.count, 2)
        // The server's own clock: from the moment before the 429 went out to the retry's arrival
        // (a gap between its `end` and the next `start` once measured 0.9956 s: `end` is taken
        // after the answer was written, when the client may already be waiting).
        let gap = try XCTUnwrap(attempts[1]["received"]?.number) - XCTUnwrap(attempts[0]["answered"]?.number)
        XCTAssertGreaterThanOrEqual(gap, 1.0)
        XCTAssertEqual(try result.trailer()?["stats"]?["retries"], 1)
    }

    func testPeakInFlightEqualsConcurrency() async throws {
        fleet = try await Fleet.make(for: self, organizations: 2, projects: 100, alerts: 1)
        try await fleet.sim.config(["latency_ms": 20])
        try await fleet.sim.clearRequests()
        let result = try fleet.current(["--concurrency", "6"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let log = try await fleet.sim.requestLog()
        XCTAssertEqual(log.requests.count, 1 + 2 + 200)
        XCTAssertEqual(log.peakInFlight, 6)
    }

    func testBothDialectsGiveIdenticalStreams() async throws {
        fleet = try await Fleet.make(for: self, organizations: 1, projects: 5, alerts: 3)
        let ninja = try fleet.current(["--refresh"])
        try await fleet.sim.config(["dialect": "drf"])
        let drf = try fleet.current(["--refresh"])
        XCTAssertEqual(ninja.status, 0, ninja.stderr)
        XCTAssertEqual(drf.status, 0, drf.stderr)
        XCTAssertEqual(ninja.streamWithoutTrailer, drf.streamWithoutTrailer)
        let drfLog = try await fleet.sim.requestLog()
        XCTAssertFalse(drfLog.requests.isEmpty)
    }

    func testCachePermissionsAndNoSecretAnywhere() async throws {
        fleet = try await Fleet.make(for: self, organizations: 1, projects: 3, alerts: 2)
        let result = try fleet.current()
        XCTAssertEqual(result.status, 0, result.stderr)
        var info = stat()
        XCTAssertEqual(stat(fleet.cacheDirectory, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o700)
        let entries = try FileManager.default.contentsOfDirectory(atPath: fleet.cacheDirectory)
        XCTAssertEqual(entries.filter { $0.hasSuffix(".json") }.count, 1 + 1 + 3)
        for entry in entries {
            let path = fleet.cacheDirectory + "/" + entry
            XCTAssertEqual(stat(path, &info), 0)
            XCTAssertEqual(info.st_mode & 0o777, 0o600, entry)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            XCTAssertNil(bytes.range(of: Data(fleet.token.utf8)), entry)
            // Alert listings carry webhook URLs (and their tokens): entries are sealed.
            XCTAssertNil(bytes.range(of: Data("hooks.example.com".utf8)), entry)
        }
        XCTAssertFalse(result.stdout.contains(fleet.token))
        XCTAssertFalse(result.stderr.contains(fleet.token))
        // A wrong token: 401, named, and the token still nowhere.
        let wrong = scratchDirectory().appendingPathComponent("secrets.json").path
        try #"{"bench/gt-00": {"token": "planted-wrong-token"}}"#.write(toFile: wrong, atomically: true, encoding: .utf8)
        let refused = try fleet.current(["--refresh"], environment: ["GT_SECRETS_FILE": wrong])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("gt-00: listing organizations failed: http://127.0.0.1:\(fleet.sim.port)/api/0/organizations/: HTTP 401: Unauthorized"), refused.stderr)
        XCTAssertFalse(refused.stdout.contains("planted-wrong-token") || refused.stderr.contains("planted-wrong-token"))
    }

    func testMissingOrganizationAndProjectAreRecordedWithWarnings() async throws {
        fleet = try await Fleet.make(for: self, organizations: 2, projects: 2, alerts: 1)
        // GlitchTip loses the second organization and one project of the first.
        guard case .object(var root) = fleet.state, case .array(let orgs)? = root["organizations"],
              case .object(var org) = orgs[0], case .array(var projects)? = org["projects"] else { return XCTFail() }
        projects.removeLast()
        org["projects"] = .array(projects)
        root["organizations"] = .array([.object(org)])
        try await fleet.sim.load(.object(root))
        let result = try fleet.current()
        XCTAssertEqual(result.status, 0, result.stderr)
        let body = try result.body()
        XCTAssertEqual(body.filter { $0["kind"] == "missing" }, [
            ["kind": "missing", "instance": "gt-00", "organization": "gt-00-org-00", "project": .string(Fleet.projectName(0, 1))],
            ["kind": "missing", "instance": "gt-00", "organization": "gt-00-org-01"],
        ])
        XCTAssertEqual(body.filter { $0["kind"] == "warning" }.compactMap { $0["message"]?.stringValue }, [
            "Project '\(Fleet.projectName(0, 1))' not found in org 'gt-00-org-00', skipping",
            "Organization 'gt-00-org-01' not found in instance 'gt-00', skipping",
        ])
    }
}
