import ApplyCore
@testable import ApplyRun
import Foundation
import GTCache
import GTStreams
import GTTestSupport
import XCTest

/// A run with a shared cache, on a real redis-server (README "Running on many hosts"): the
/// shared run lock excludes runs on other hosts, a key lost mid-run stops every later change,
/// a server that cannot be reached refuses the run unless `--file-locks-only`; the entries the
/// run writes live as long as the QAPI TTLs say.
final class RunSharedLockTests: SimulatorTestCase {
    private typealias F = ApplierFixture
    private typealias R = RunFixture

    private func server() throws -> RedisServer { try startRedis() }

    private func assertFileLockFree(_ fixture: R, file: StaticString = #filePath, line: UInt = #line) throws {
        let holder = try FileLock(path: fixture.lockPath) { _ in true }
        XCTAssertTrue(try holder.tryLock(), "the file lock was kept", file: file, line: line)
        holder.release()
    }

    func testARunOnAnotherHostHoldingTheSharedLockSkipsThisOne() async throws {
        let redis = try server()
        let fixture = try R(in: self)
        let otherHost = RedisClient(url: try RedisURL(parsing: redis.url()))
        guard case .acquired(let held) = try await RedisRunLock.acquire(otherHost, instances: ["glitchtip"]) else {
            return XCTFail("could not take a free lock")
        }
        let outcome = await fixture.run(R.plan([F.create(F.alert("a"))]), configure: { $0.cacheURL = redis.url() })
        _ = await held.release()
        XCTAssertEqual(outcome.report.status, .skipped)
        XCTAssertEqual(outcome.report.skippedReason, "duplicate_task")
        XCTAssertEqual(fixture.requests, [])
        try assertFileLockFree(fixture)
    }

    func testASharedKeyDeletedBetweenTwoChangesStopsEveryLaterChange() async throws {
        let redis = try server()
        let fixture = try R(in: self)
        let key = RedisRunLock.key(instance: "glitchtip")
        let outcome = await fixture.run(R.plan([F.create(F.alert("a")), F.create(F.alert("b")), F.create(F.alert("c"))]),
                                        configure: { $0.cacheURL = redis.url() },
                                        afterMutation: { count in if count == 1 { _ = try? redis.cli(["DEL", key]) } })
        let reason = "not applied: the shared run lock \(key) is no longer held by this run (deleted, flushed, evicted or expired): "
            + "another run may hold it now; other hosts can no longer be excluded"
        XCTAssertEqual(R.results(outcome.report), ["applied",
                                                   "failed: glitchtip/Org/web/b: Failed to execute action create: \(reason)",
                                                   "failed: glitchtip/Org/web/c: Failed to execute action create: \(reason)"])
        XCTAssertEqual(fixture.log.mutations.map(\.what), ["POST \(F.alertsPath)"])
        try assertFileLockFree(fixture)
    }

    func testAServerThatCannotBeReachedRefusesTheRunUnlessFileLocksOnly() async throws {
        let fixture = try R(in: self)
        let down = "redis://127.0.0.1:\(try LoopbackPort.free())"
        let refused = await fixture.run(R.plan([F.create(F.alert("a"))]), configure: { $0.cacheURL = down })
        let error = try XCTUnwrap(refused.report.runErrors.first)
        XCTAssertTrue(error.hasPrefix("cannot take the shared run lock ("), error)
        XCTAssertTrue(error.hasSuffix("): runs on other hosts cannot be excluded; --file-locks-only applies with this host's lock only; "
                                      + "nothing applied"), error)
        XCTAssertEqual(fixture.requests, [])
        try assertFileLockFree(fixture)

        // --file-locks-only: applied under the file lock; the cache lost is a warning, not an error.
        let applied = await fixture.run(R.plan([F.create(F.alert("a"))]), configure: { $0.cacheURL = down; $0.fileLocksOnly = true })
        XCTAssertEqual(R.results(applied.report), ["applied"])
        XCTAssertEqual(applied.report.status, .success)
        XCTAssertEqual(applied.warnings.count, 1)
        XCTAssertTrue(applied.warnings.first?.hasPrefix("shared cache unavailable (") ?? false, "\(applied.warnings)")
    }

    /// What the run writes (the fresh organizations listing; a project's fresh listing when it
    /// sent no change) expires as `QAPI_GLITCHTIP_{ORGANIZATIONS,ALERTS}_CACHE_TTL` say.
    func testTheEntriesTheRunWritesLiveAsLongAsTheQAPITTLsSay() async throws {
        let redis = try server()
        let fixture = try R(in: self, alerts: [F.wire(F.alert("a"), pk: 5)])
        let outcome = await fixture.run(R.plan([F.create(F.alert("a"))]), configure: {
            $0.cacheURL = redis.url()
            $0.environment["QAPI_GLITCHTIP_ORGANIZATIONS_CACHE_TTL"] = "1000"
            $0.environment["QAPI_GLITCHTIP_ALERTS_CACHE_TTL"] = "2000"
        })
        XCTAssertEqual(R.results(outcome.report),
                       ["failed: glitchtip/Org/web/a: Failed to execute action create: stale plan: an alert named 'a' was created since the plan"])
        for (key, seconds) in [("glitchtip:glitchtip:organizations", 1000), ("glitchtip:glitchtip:org:web:alerts", 2000)] {
            let pttl = Int(try redis.cli(["PTTL", key]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -3
            XCTAssertTrue((1...seconds * 1000).contains(pttl), "\(key): PTTL \(pttl) ms, configured \(seconds) s")
        }
    }

    /// A TTL that is not whole seconds refuses the run before any lock, as gt-current refuses it.
    func testABadTTLRefusesTheRunBeforeAnyLock() async throws {
        let fixture = try R(in: self)
        let outcome = await fixture.run(R.plan([F.create(F.alert("a"))]),
                                        configure: { $0.environment["QAPI_GLITCHTIP_ALERTS_CACHE_TTL"] = "1e3" })
        XCTAssertEqual(outcome.report.runErrors, ["QAPI_GLITCHTIP_ALERTS_CACHE_TTL=1e3: expected whole seconds from 0 to 2592000 (30 days); "
                                                  + "nothing applied"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: fixture.lockDirectory), [])
        XCTAssertEqual(fixture.requests, [])
    }
}
