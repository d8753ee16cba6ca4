import GTStreams
/// The shared tier: entries on a Redis/Valkey server under the reference's keys
/// (`glitchtip:<instance>:…`), each with its TTL as the Redis expiry (`SET key value PX ms`),
/// values sealed by ``CacheSeal`` before they get here. Per-key locks are `<key>:lock`, taken
/// with `SET NX PX` and a random token and released by their owner only (Lua
/// compare-and-delete), so two hosts cold at once fetch each resource once. Entries are read
/// by size first, never more than ``CacheDirectory/maxEntryBytes`` of one
/// (`RedisCacheTier+Reads.swift`).
public struct RedisCacheTier: CacheTier {
    public var waitsOnNetwork: Bool { true }

    public let client: RedisClient
    /// A lock holder that dies leaves its lock for at most this long.
    public let lockMilliseconds: Int
    /// Entries refused (too large, not a string): each a miss, and a warning for the operator.
    public let notices = CacheNotices()

    public init(client: RedisClient, lockMilliseconds: Int = 60_000) {
        self.client = client
        self.lockMilliseconds = lockMilliseconds
    }

    public static func lockKey(_ key: String) -> String { key + ":lock" }

    public func write(_ key: String, _ bytes: [UInt8], seconds: Double) throws {
        // TTLs are checked where they are read (CacheTTLs); bounded again before the arithmetic.
        let milliseconds = seconds.isFinite ? Int((min(seconds, Double(CacheTTLs.maxSeconds)) * 1000).rounded()) : 0
        guard milliseconds > 0 else { return }  // a TTL of 0 keeps nothing
        let reply = try unavailable {
            try client.withSession { try $0.command(bytes: [Array("SET".utf8), Array(key.utf8), bytes, Array("PX".utf8), Array(String(milliseconds).utf8)]) }
        }
        if case .error(let text) = reply { throw CacheTierUnavailable("\(client.url): SET \(key): \(text)") }
    }

    public func remove(_ key: String) throws {
        let reply = try unavailable { try client.withSession { try $0.command(["DEL", key]) } }
        if case .error(let text) = reply { throw CacheTierUnavailable("\(client.url): DEL \(key): \(text)") }
    }

    public func tryLock(_ key: String) throws -> (any CacheTierLock)? {
        let token = RedisClient.randomToken()
        let lockKey = Self.lockKey(key)
        guard try unavailable({ try client.withSession { try $0.tryLock(lockKey, token: token, milliseconds: lockMilliseconds) } }) else { return nil }
        return KeyLock(client: client, key: lockKey, token: token)
    }

    /// A holder on another host may have died: after its lock's lifetime, fetch regardless.
    public var lockWaitLimit: Double { Double(lockMilliseconds) / 1000 }

    struct KeyLock: CacheTierLock {
        let client: RedisClient
        let key: String
        let token: String
        /// A failed release is left to the lock's expiry (the server is gone, or the lock expired).
        func release() { _ = try? client.withSession { try $0.unlock(key, token: token) } }
    }

    func unavailable<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as RedisError { throw CacheTierUnavailable("\(error)") }
    }
}
