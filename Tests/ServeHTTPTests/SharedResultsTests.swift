import Foundation
import GTStreams
import GTTestSupport
import ServeCore
@testable import ServeHTTP
import XCTest

private let path = ServeHarness.path

/// Results shared through Redis (README "Replicas"): two runners on one `redis-server` stand for
/// two replicas behind a load balancer; each has its own memory, so what one answers for the
/// other's task comes from Redis.
final class SharedResultsTests: SimulatorTestCase {
    func testATaskRunOnOneReplicaIsAnsweredByAnother() async throws {
        let harness = try await ServeHarness.make(for: self)
        let redis = try startRedis()
        let token = harness.token()
        let body = harness.body(Requests.myProject([Requests.alert("new-alert")]))
        let a = try harness.replica(redis)
        let b = try harness.replica(redis)
        let (id, onA) = try await harness.test(a) { client in
            let posted = try await client.send(.post, path, token: token, json: body)
            XCTAssertEqual(posted.status.code, 202, posted.text)
            let id = try XCTUnwrap(posted.json?["id"]?.stringValue, posted.text)
            return (id, try await client.send(.get, "\(path)/\(id)?timeout=60", token: token))
        }
        XCTAssertEqual(onA.json?["status"], "success", onA.text)
        await a.shared?.settle()
        let onB = try await harness.test(b) { client in try await client.send(.get, "\(path)/\(id)?timeout=30", token: token) }
        XCTAssertEqual(onB.status.code, 200, onB.text)
        XCTAssertEqual(onB.json, onA.json)
        XCTAssertEqual(b.store.lookup(id), .unknown, "B holds the task in memory: its answer did not come from Redis")
        let keys = try redis.keys()
        XCTAssertTrue(keys.contains("gt:serve:task:\(id)"), "\(keys)")
        XCTAssertEqual(keys.filter { $0.hasPrefix("gt:serve:replica:") }.count, 2, "\(keys)")
        let ttl = Int(try redis.cli(["TTL", "gt:serve:task:\(id)"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        XCTAssertTrue((3000...3600).contains(ttl), "the record lives for the retention, not \(ttl) s")
        for key in keys {
            let value = String(decoding: try redis.value(key) ?? [], as: UTF8.self)
            for planted in [ServeHarness.glitchTipToken, ServeHarness.secret, token, "glitchtip/creds"] {
                XCTAssertFalse(value.contains(planted), "\(key) holds \(planted): \(value)")
            }
        }
    }

    /// An id the store does not hold is 404; one not of gt-serve's form (`..`, 10 kB, upper
    /// case) is 404 without reaching Redis: with Redis stopped, only a well-formed id gets 503.
    func testUnknownIDsAre404AndMalformedOnesNeverReachRedis() async throws {
        let harness = try await ServeHarness.make(for: self)
        let redis = try startRedis()
        let token = harness.token()
        let replica = try harness.replica(redis)
        let unknown = TaskID.make()
        let malformed = ["..%2F..%2Fx", String(repeating: "a", count: 10_000), unknown.uppercased(), unknown + "0", "gt:serve:task:x"]
        try await harness.test(replica) { client in
            let missing = try await client.send(.get, "\(path)/\(unknown)?timeout=1", token: token)
            XCTAssertEqual(missing.status.code, 404, missing.text)
            XCTAssertEqual(missing.json, ["detail": "Task not found"])
            redis.stop()
            for id in malformed {
                let answer = try await client.send(.get, "\(path)/\(id)", token: token)
                XCTAssertEqual(answer.status.code, 404, "\(id.prefix(40)): \(answer.text)")
            }
            let down = try await client.send(.get, "\(path)/\(unknown)", token: token)
            XCTAssertEqual(down.status.code, 503, down.text)
            XCTAssertTrue(down.json?["detail"]?.stringValue?.hasPrefix("gt-serve cannot read the shared result store (redis://127.0.0.1:") == true,
                          down.text)
        }
        XCTAssertTrue(TaskID.isWellFormed(TaskID.make()))
    }

    /// A record left pending by a replica whose heartbeat is gone (killed) reads `failed`, saying
    /// so; with the heartbeat alive it is pending (408 after the timeout).
    func testAPendingRecordWithoutAHeartbeatReadsFailed() async throws {
        let harness = try await ServeHarness.make(for: self)
        let redis = try startRedis()
        let token = harness.token()
        let replica = try harness.replica(redis)
        let (dead, alive) = (TaskID.make(), TaskID.make())
        let (deadOwner, liveOwner) = (String(repeating: "d", count: 32), String(repeating: "e", count: 32))
        try redis.cli(["SET", "gt:serve:task:\(dead)", #"{"status":"pending","replica":"\#(deadOwner)","host":"host-a","pid":4242}"#])
        try redis.cli(["SET", "gt:serve:task:\(alive)", #"{"status":"pending","replica":"\#(liveOwner)","host":"host-b","pid":7}"#])
        try redis.cli(["SET", "gt:serve:replica:\(liveOwner)", "host-b pid 7", "EX", "300"])
        try await harness.test(replica) { client in
            let stopped = try await client.send(.get, "\(path)/\(dead)?timeout=5", token: token)
            XCTAssertEqual(stopped.status.code, 200, stopped.text)
            let reason = "the gt-serve replica running this task (host host-a, pid 4242) stopped without a result: its heartbeat was not "
                + "refreshed for 30 s; the next run plans from what GlitchTip then holds"
            XCTAssertEqual(stopped.json, ["status": "failed", "actions": [], "applied_actions": [], "applied_count": 0,
                                          "errors": [.string(reason)]])
            let pending = try await client.send(.get, "\(path)/\(alive)", token: token)
            XCTAssertEqual(pending.json?["status"], "pending", pending.text)
            let waited = try await client.send(.get, "\(path)/\(alive)?timeout=1", token: token)
            XCTAssertEqual(waited.status.code, 408, waited.text)
        }
    }
}

extension ServeHarness {
    /// A replica: a runner of its own (its own memory) sharing the tasks on `redis`.
    func replica(_ redis: RedisServer, execute: TaskRunner.Execute? = nil) throws -> TaskRunner {
        let log = log
        let shelf = try XCTUnwrap(try RedisResultShelf.configured(flag: nil, environment: ["GT_CACHE_URL": redis.url()],
                                                                  retention: settings.retention))
        let readiness = Readiness.cacheTier(shelf: shelf, environment: environment)
        guard let execute else {
            return TaskRunner(settings: settings, environment: environment, shelf: shelf, readiness: readiness, events: { log.append($0) })
        }
        return TaskRunner(settings: settings, shelf: shelf, readiness: readiness, events: { log.append($0) }, execute: execute)
    }
}
