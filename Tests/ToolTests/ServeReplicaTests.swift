import Foundation
import GTHTTP
import GTStreams
import GTTestSupport
import XCTest

/// Two gt-serve replicas behind one load balancer, as README "Replicas" sets them up: one
/// simulator as GlitchTip, one `redis-server` in `GT_CACHE_URL`; a task POSTed to one is read on
/// the other, and a replica killed mid-task leaves its task `failed`, not pending forever.
final class ServeReplicaTests: SimulatorTestCase {
    private let path = ServeProcess.path
    private let myOrg = [SimState.organization("my-org", projects: [SimState.project("my-project")])]

    private func replicas(arguments: [String] = []) async throws -> (ServeProcess, ServeProcess, RedisServer) {
        let redis = try startRedis()
        let a = try await ServeProcess(for: self, organizations: myOrg, arguments: arguments, environment: ["GT_CACHE_URL": redis.url()])
        let b = try await ServeProcess(for: self, organizations: myOrg, arguments: arguments, sim: a.sim,
                                       environment: ["GT_CACHE_URL": redis.url()])
        return (a, b, redis)
    }

    func testADryRunPostedToOneReplicaIsReadOnTheOther() async throws {
        let (a, b, _) = try await replicas()
        let token = try a.token()
        let organizations: [JSONValue] = [["name": "my-org", "projects": [ServeProcess.project("my-project", alerts: ["new-alert"])]]]
        let (posted, task) = try await a.call(.post, path, token: token, body: a.body(organizations, dryRun: true))
        XCTAssertEqual(posted, 202)
        let id = try XCTUnwrap(task?["id"]?.stringValue)
        let (onB, fromB) = try await b.call(.get, "\(path)/\(id)?timeout=30", token: token)
        let (onA, fromA) = try await a.call(.get, "\(path)/\(id)?timeout=30", token: token)
        XCTAssertEqual(onA, 200)
        XCTAssertEqual(onB, 200)
        XCTAssertEqual(fromA?["status"], "success", "\(String(describing: fromA))")
        XCTAssertEqual(fromB, fromA)
        let (unknown, _) = try await b.call(.get, "\(path)/\(UUID().uuidString.lowercased())?timeout=1", token: token)
        XCTAssertEqual(unknown, 404)
        let (ready, status) = try await b.call(.get, "/health?ready=1", token: token)
        XCTAssertEqual(ready, 200)
        XCTAssertEqual(status, ["status": "ready"])
        for serve in [a, b] {
            await serve.shutdown()
            serve.tool.signal(SIGTERM)
            let finished = try await serve.tool.finish(within: 60)
            XCTAssertEqual(finished.status, 0, finished.stderr)
            for planted in [token, ServeProcess.secret, ServeProcess.glitchTipToken] {
                XCTAssertFalse(finished.stderr.contains(planted), "a secret in gt-serve's log:\n\(finished.stderr)")
            }
        }
    }

    /// A `GT_CACHE_URL` that does not parse stops gt-serve before it listens, naming the
    /// variable, never the password.
    func testAMalformedCacheURLStopsItAtStart() throws {
        let result = try Tools.run("gt-serve", ["--port", "0", "--any-console-url"], environment: [
            "QAPI_JWT_SECRET_KEY": ServeProcess.secret, "GT_CACHE_URL": "redis://:planted-redis-password@127.0.0.1:notaport/0",
        ])
        XCTAssertEqual(result.status, 64, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("gt-serve: error: GT_CACHE_URL: "), result.stderr)
        XCTAssertFalse(result.stderr.contains("planted-redis-password"), result.stderr)
        XCTAssertFalse(result.stderr.contains("listening"), result.stderr)
    }

    /// Replica A killed (SIGKILL) while it applies: its heartbeat lapses, and B's GET, waiting,
    /// ends `failed` saying the replica stopped, well within the GET's timeout. The heartbeat's
    /// 30 s are checked on the key (its TTL), then brought forward to now (`PEXPIRE`), as Redis
    /// itself would end them 30 s later: the suite does not sit out the half minute.
    func testAReplicaKilledMidApplyLeavesItsTaskFailedNotPending() async throws {
        let (a, b, redis) = try await replicas()
        // Each create is stored at once and answered 60 s later: A is mid-apply when killed.
        try await a.sim.faults([["method": "POST", "path": "/api/0/projects/", "match": "prefix", "times": 0,
                                 "action": "delay", "delay_ms": 60000, "after_process": true]])
        let token = try a.token()
        let organizations: [JSONValue] = [["name": "my-org", "projects": [ServeProcess.project("my-project", alerts: ["a", "b"])]]]
        let (_, task) = try await a.call(.post, path, token: token, body: a.body(organizations, dryRun: false))
        let id = try XCTUnwrap(task?["id"]?.stringValue)
        let applying = try await eventually(within: 60) { try await a.mutations() >= 1 }
        XCTAssertTrue(applying, "no create reached GlitchTip")
        let (_, whileAlive) = try await b.call(.get, "\(path)/\(id)", token: token)
        XCTAssertEqual(whileAlive?["status"], "pending", "\(String(describing: whileAlive))")
        a.tool.signal(SIGKILL)
        let pid = a.tool.process.processIdentifier
        let keys = try redis.keys()
        let heartbeat = try XCTUnwrap(keys.first { key in
            key.hasPrefix("gt:serve:replica:") && (try? redis.cli(["GET", key]))?.hasSuffix(" pid \(pid)\n") == true
        }, "no heartbeat key of replica A (pid \(pid)): \(keys)")
        let ttl = Int(try redis.cli(["TTL", heartbeat]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        XCTAssertTrue((1...30).contains(ttl), "the heartbeat lives 30 s at most, got TTL \(ttl)")
        _ = try redis.cli(["PEXPIRE", heartbeat, "1"])
        let (code, result) = try await b.call(.get, "\(path)/\(id)?timeout=120", token: token)
        XCTAssertEqual(code, 200, "\(String(describing: result))")
        XCTAssertEqual(result?["status"], "failed")
        let error = result?["errors"]?.arrayValue?.first?.stringValue ?? ""
        XCTAssertTrue(error.hasPrefix("the gt-serve replica running this task (host "), error)
        XCTAssertTrue(error.hasSuffix("stopped without a result: its heartbeat was not refreshed for 30 s; "
                                      + "the next run plans from what GlitchTip then holds"), error)
        await a.shutdown()
        await b.shutdown()
        b.tool.signal(SIGTERM)
        let finished = try await b.tool.finish(within: 60)
        XCTAssertEqual(finished.status, 0, finished.stderr)
    }
}
