import ApplyCore
import GTGlitchTip
import GTStreams
import GTTestSupport
import Synchronization
import XCTest
import GTCache

/// The applier with a real shared run lock behind `mayMutate`, on a real redis-server
/// (docs/safety.md, "Every change is made under a lock known to be held"): the lock's key
/// deleted between two changes stops every later one, in process.
final class SharedLockGuardTests: XCTestCase {
    private typealias F = ApplierFixture

    func testALockDeletedBetweenTwoChangesStopsEveryLaterChange() async throws {
        let redis = try RedisServer(in: scratchDirectory())
        defer { redis.stop() }
        let client = RedisClient(url: try RedisURL(parsing: redis.url()))
        guard case .acquired(let lock) = try await RedisRunLock.acquire(client, instances: ["glitchtip"]) else {
            return XCTFail("could not take a free lock")
        }
        addTeardownBlock { _ = lock.release() }
        try lock.cover(requestMilliseconds: 1000)
        let key = RedisRunLock.key(instance: "glitchtip")
        let fixture = F()
        let log = fixture.log
        let deleted = Mutex(false)
        let outcomes = await fixture.apply([F.create(F.alert("a")), F.create(F.alert("b")), F.create(F.alert("c"))], mayMutate: {
            // After the first change, before the second: an operator's DEL (or an eviction).
            if !log.mutations.isEmpty, !deleted.withLock({ done in defer { done = true }; return done }) {
                _ = try? redis.cli(["DEL", key])
            }
            return await lock.check()
        })
        let reason = "the shared run lock \(key) is no longer held by this run (deleted, flushed, evicted or expired): "
            + "another run may hold it now"
        XCTAssertEqual(outcomes, ["applied",
                                  "failed: glitchtip/Org/web/b: Failed to execute action create: \(reason)",
                                  "failed: glitchtip/Org/web/c: Failed to execute action create: \(reason)"])
        XCTAssertEqual(log.mutations.map(\.what), ["POST \(F.alertsPath)"])
    }
}
