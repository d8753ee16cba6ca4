import Foundation
import GTStreams
import GTTestSupport
import ServeCore
@testable import ServeHTTP
import Synchronization
import XCTest

private let path = ServeHarness.path

/// Redis out of reach (README "Replicas"): a POST is refused (503) rather than run as a task no
/// other replica could answer for; readiness says `cache unreachable`; a result that cannot be
/// written is logged and still answered by the replica that ran it.
final class SharedResultsFailureTests: SimulatorTestCase {
    func testWithRedisDownAPostIs503AndNotReady() async throws {
        let harness = try await ServeHarness.make(for: self)
        let redis = try startRedis(password: "planted-redis-password")
        let token = harness.token()
        let ran = Mutex(0)
        let replica = try harness.replica(redis) { _, _ in
            ran.withLock { $0 += 1 }
            return ReconcileResult(status: .success)
        }
        try await harness.test(replica) { client in
            let ready = try await client.send(.get, "/health?ready=1", token: nil)
            XCTAssertEqual(ready.status.code, 200, ready.text)
            XCTAssertEqual(ready.json, ["status": "ready"])
            redis.stop()
            let posted = try await client.send(.post, path, token: token, json: harness.body(Requests.myProject([])))
            XCTAssertEqual(posted.status.code, 503, posted.text)
            let detail = try XCTUnwrap(posted.json?["detail"]?.stringValue, posted.text)
            XCTAssertTrue(detail.hasPrefix("gt-serve cannot record the task where every replica reads it (redis://:***@127.0.0.1:"), detail)
            XCTAssertTrue(detail.hasSuffix("nothing was queued; try again once the shared result store answers"), detail)
            XCTAssertEqual(posted.headers[.retryAfter], "30")
            XCTAssertFalse(detail.contains("planted-redis-password"), detail)
            let notReady = try await client.send(.get, "/health?ready=1", token: nil)
            XCTAssertEqual(notReady.status.code, 503, notReady.text)
            XCTAssertEqual(notReady.json, ["status": "cache unreachable"])
            let live = try await client.send(.get, "/health", token: nil)
            XCTAssertEqual(live.status.code, 200, "liveness stays 200 while serving: \(live.text)")
        }
        XCTAssertEqual(replica.store.ids(in: .queued) + replica.store.ids(in: .running) + replica.store.ids(in: .finished), [])
        XCTAssertEqual(ran.withLock { $0 }, 0, "a task ran whose result no other replica could read")
        XCTAssertFalse(harness.log.all.joined().contains("planted-redis-password"), "\(harness.log.all)")
    }

    /// Redis restarted, or an idle connection dropped: the next call is made again on a new
    /// connection, and the POST is taken (not 503).
    func testADroppedConnectionIsMadeAgain() async throws {
        let harness = try await ServeHarness.make(for: self)
        let redis = try startRedis()
        let token = harness.token()
        let replica = try harness.replica(redis) { _, _ in ReconcileResult(status: .success) }
        let other = try harness.replica(redis)
        try await harness.test(replica) { client in
            let first = try await client.send(.post, path, token: token, json: harness.body(Requests.myProject([])))
            XCTAssertEqual(first.status.code, 202, first.text)
            let ready = try await client.send(.get, "/health?ready=1", token: nil)
            XCTAssertEqual(ready.status.code, 200, ready.text)
            try redis.cli(["CLIENT", "KILL", "TYPE", "normal"])
            let second = try await client.send(.post, path, token: token, json: harness.body(Requests.myProject([])))
            XCTAssertEqual(second.status.code, 202, second.text)
            let again = try await client.send(.get, "/health?ready=1", token: nil)
            XCTAssertEqual(again.status.code, 200, again.text)
            let id = try XCTUnwrap(second.json?["id"]?.stringValue)
            _ = try await client.send(.get, "\(path)/\(id)?timeout=60", token: token)
            await replica.shared?.settle()
            try redis.cli(["CLIENT", "KILL", "TYPE", "normal"])
            let read = try await harness.test(other) { client in try await client.send(.get, "\(path)/\(id)", token: token) }
            XCTAssertEqual(read.json?["status"], "success", read.text)
        }
    }

    /// Redis gone between the 202 and the task's end: the write fails, is logged, and the
    /// replica that ran the task still answers its GET from memory.
    func testAResultThatCannotBeWrittenIsKeptInMemory() async throws {
        let harness = try await ServeHarness.make(for: self)
        let redis = try startRedis()
        let token = harness.token()
        let release = AsyncRelease()
        let replica = try harness.replica(redis) { _, _ in
            await release.wait()
            return ReconcileResult(status: .success, errors: ["kept"])
        }
        try await harness.test(replica) { client in
            let posted = try await client.send(.post, path, token: token, json: harness.body(Requests.myProject([])))
            let id = try XCTUnwrap(posted.json?["id"]?.stringValue, posted.text)
            redis.stop()
            release.open()
            let answer = try await client.send(.get, "\(path)/\(id)?timeout=60", token: token)
            XCTAssertEqual(answer.status.code, 200, answer.text)
            XCTAssertEqual(answer.json?["errors"], ["kept"])
            await replica.shared?.settle()
            let logged = harness.log.parsed.filter { $0["event"] == "shared_results" && $0["id"] == .string(id) }
            XCTAssertEqual(logged.count, 1, "\(harness.log.all)")
            let message = logged.first?["message"]?.stringValue ?? ""
            XCTAssertTrue(message.hasPrefix("result not written to the shared store (redis://127.0.0.1:"), message)
            XCTAssertTrue(message.hasSuffix("only this replica answers for the task"), message)
        }
    }

    /// Readiness is 503 while draining, whatever the cache says; with the file tier it checks
    /// the cache directory.
    func testReadinessWhileDrainingAndWithTheFileTier() async throws {
        var harness = try await ServeHarness.make(for: self)
        harness.settings.retention = .seconds(3600)
        let runner = TaskRunner(settings: harness.settings, environment: harness.environment,
                                readiness: .cacheTier(shelf: nil, environment: harness.environment), events: { _ in })
        let unusable = harness.directory.appendingPathComponent("not-a-directory")
        try "x".write(to: unusable, atomically: true, encoding: .utf8)
        let refused = TaskRunner(settings: harness.settings, environment: harness.environment,
                                 readiness: .cacheTier(shelf: nil, environment: ["GT_CACHE_DIR": unusable.path]), events: { _ in })
        try await harness.test(refused) { client in
            let answer = try await client.send(.get, "/health?ready=1", token: nil)
            XCTAssertEqual(answer.status.code, 503, answer.text)
            XCTAssertEqual(answer.json, ["status": "cache directory unusable"])
        }
        try await harness.test(runner) { client in
            let ready = try await client.send(.get, "/health?ready=1", token: nil)
            XCTAssertEqual(ready.json, ["status": "ready"])
            _ = await runner.drain(signal: SIGTERM, grace: .zero, cutoff: .zero)
            let draining = try await client.send(.get, "/health?ready=1", token: nil)
            XCTAssertEqual(draining.status.code, 503, draining.text)
            XCTAssertEqual(draining.json, ["status": "shutting down"])
        }
    }
}

/// A gate a test opens once: every waiter resumes then (or at once if already open).
final class AsyncRelease: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }
}
