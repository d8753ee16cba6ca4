import Foundation
import GTCache
import GTTestSupport
import XCTest

/// `RedisRunLock` in process, on a real redis-server (README "Running on many hosts"): all
/// locks or none, extended while held, released only by their owner.
final class RedisRunLockOwnershipTests: SimulatorTestCase {
    /// The server's clock (`TIME`), which expires the keys.
    private func serverTime(_ redis: RedisServer) throws -> Duration {
        let parts = try redis.cli(["TIME"]).split(separator: "\n").compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2 else { throw XCTSkip("TIME answered \(parts)") }
        return .seconds(parts[0]) + .microseconds(parts[1])
    }

    func testRunLockIsAllOrNothingExtendedWhileHeldAndReleasedOnlyByItsOwner() async throws {
        let redis = try startRedis()
        let client = RedisClient(url: try RedisURL(parsing: redis.url()))
        func pttl(_ instance: String) throws -> Int {
            Int(try redis.cli(["PTTL", RedisRunLock.key(instance: instance)]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -100
        }
        // Another run holds "b": a run for {a, b} takes neither (and leaves "a" free again).
        let other = "0123456789abcdef0123456789abcdef pid 1 on other-host since \(Int(Date().timeIntervalSince1970))"
        let taken = try await client.tryLock(RedisRunLock.key(instance: "b"), token: other, milliseconds: 60_000)
        XCTAssertTrue(taken)
        guard case .busy(let instance) = try await RedisRunLock.acquire(client, instances: ["b", "a"]) else {
            return XCTFail("took a lock another run holds")
        }
        XCTAssertEqual(instance, "b")
        XCTAssertEqual(try pttl("a"), -2, "the lock on a was not released")
        let strangerReleased = try await client.unlock(RedisRunLock.key(instance: "b"), token: "not-the-owner")
        XCTAssertFalse(strangerReleased, "a stranger released a lock")
        let ownerReleased = try await client.unlock(RedisRunLock.key(instance: "b"), token: other)
        XCTAssertTrue(ownerReleased)

        // Held for 3 s at a time, extended every second: alive well past 3 s, on the clock that
        // expires keys, the server's.
        guard case .acquired(let lock) = try await RedisRunLock.acquire(client, instances: ["a", "b"], milliseconds: 3000) else {
            return XCTFail("could not take free locks")
        }
        let heldSince = try serverTime(redis)
        if case .acquired = try await RedisRunLock.acquire(client, instances: ["b"]) { XCTFail("two runs hold b") }
        let lapsed = try await eventually(within: 60) { try self.serverTime(redis) >= heldSince + .seconds(5) }
        XCTAssertTrue(lapsed, "the server's clock did not move")
        XCTAssertGreaterThan(try pttl("a"), 0, "not extended")
        XCTAssertGreaterThan(try pttl("b"), 0, "not extended")
        XCTAssertNil(lock.lost)
        let releaseProblem = await lock.release()
        XCTAssertNil(releaseProblem)
        XCTAssertEqual(try redis.keys(), [])
        // The server gone: acquiring throws (gt-apply then refuses), never "acquired".
        redis.stop()
        let gone = RedisClient(url: try RedisURL(parsing: redis.url()))
        do {
            _ = try await RedisRunLock.acquire(gone, instances: ["a"])
            XCTFail("acquired without a server")
        } catch {}
    }
}
