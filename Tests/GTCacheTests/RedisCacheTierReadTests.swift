import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest
import GTCache

/// ``RedisCacheTier``'s reads in process, on a real `redis-server`: an entry of exactly the cap
/// (64 MiB) is read and one byte more is not; one call brings back at most the cap in all
/// (what does not fit is read on its own later); a server error is still the tier's failure.
final class RedisCacheTierReadTests: SimulatorTestCase {

    private func tier() throws -> (RedisCacheTier, RedisServer) {
        let redis = try startRedis(in: scratchDirectory())
        return (RedisCacheTier(client: RedisClient(url: try RedisURL(parsing: redis.url()))), redis)
    }

    /// A value of `size` bytes: zeros, then `x`.
    private func set(_ redis: RedisServer, _ key: String, size: Int) throws {
        try redis.cli(["SETRANGE", key, String(size - 1), "x"])
    }

    func testTheCapIsReadAndOneByteMoreIsAMissWithAWarning() throws {
        let (tier, redis) = try tier()
        let cap = CacheDirectory.maxEntryBytes
        XCTAssertEqual(cap, 64 << 20)
        try set(redis, "at-cap", size: cap)
        try set(redis, "over-cap", size: cap + 1)
        try redis.cli(["SET", "small", "sealed-bytes"])
        XCTAssertEqual(try tier.read("at-cap")?.count, cap)
        XCTAssertNil(try tier.read("over-cap"))
        XCTAssertNil(try tier.read("absent"))
        XCTAssertEqual(try tier.read(["small", "over-cap", "absent"])?.map { $0?.count }, [12, nil, nil])
        XCTAssertEqual(tier.notices.all, ["shared cache entry over-cap ignored: \(cap + 1) bytes, over \(cap); the fresh listing replaces it"])
    }

    func testOneCallBringsBackAtMostTheCap() throws {
        let (tier, redis) = try tier()
        for key in ["a", "b", "c"] { try set(redis, key, size: 30 << 20) }
        try redis.cli(["SET", "d", "small"])
        // a and b fit (60 MiB), c would pass 64 MiB: left for a read of its own; d still fits.
        XCTAssertEqual(try tier.read(["a", "b", "c", "d"])?.map { $0?.count }, [30 << 20, 30 << 20, nil, 5])
        XCTAssertEqual(try tier.read("c")?.count, 30 << 20)
        XCTAssertEqual(tier.notices.all, [])
    }

    func testAValueThatIsNotAStringIsAMissAndAServerErrorIsTheTiers() throws {
        let (tier, redis) = try tier()
        try redis.cli(["HSET", "hash", "field", "planted-value"])
        try redis.cli(["SET", "fine", "v"])
        XCTAssertEqual(try tier.read(["hash", "fine"])?.map { $0.map { String(decoding: $0, as: UTF8.self) } }, [nil, "v"])
        XCTAssertEqual(tier.notices.all, ["shared cache entry hash ignored: not a string value; the fresh listing replaces it"])
        // A server that refuses the commands (here: a password now required) is unavailable.
        try redis.cli(["CONFIG", "SET", "requirepass", "now-needed"])
        let fresh = RedisCacheTier(client: RedisClient(url: try RedisURL(parsing: redis.url())))
        XCTAssertThrowsError(try fresh.read("fine")) { XCTAssertTrue($0 is CacheTierUnavailable, "\($0)") }
    }
}
