import GTStreams

// Locks owned by a random token (docs/architecture.md, "The cache seam"): taken with
// `SET NX PX`, released and extended by their owner only, each in one Lua script.

extension RedisClient {
    static let unlockScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"

    static let checkAndExtendScript = """
        local v = redis.call('get', KEYS[1])
        if v ~= ARGV[1] then
          if v then return {2, string.sub(v, 1, 300)} end
          return {1}
        end
        local left = redis.call('pttl', KEYS[1])
        if left < tonumber(ARGV[2]) then redis.call('pexpire', KEYS[1], ARGV[2]) end
        return {0, left}
        """

    /// What a compare-and-extend found at one key.
    public enum LockState: Sendable, Equatable {
        /// Still `token`'s; it had this many milliseconds left (-1: no expiry) and now has at least the asked lifetime.
        case held(remainingMilliseconds: Int64)
        /// No such key: deleted, flushed, evicted or expired.
        case gone
        /// Another value (its first 300 bytes): another holder's.
        case other([UInt8])
        /// The server refused the script (the text of its error).
        case refused(String)
    }
}

extension RedisSession {
    /// `SET key token NX PX ms`: true when this caller now holds `key`.
    func tryLock(_ key: String, token: String, milliseconds: Int) throws -> Bool {
        let reply = try command(["SET", key, token, "NX", "PX", String(max(1, milliseconds))])
        if case .error(let text) = reply { throw RedisError(url: url, message: "SET \(key) NX: \(text)") }
        return reply.isOK
    }

    /// Deletes `key` only if it still holds `token` (atomically, in Lua): an owner whose lock
    /// expired and was taken by another never deletes the other's lock.
    @discardableResult
    func unlock(_ key: String, token: String) throws -> Bool {
        let reply = try command(["EVAL", RedisClient.unlockScript, "1", key, token])
        if case .error(let text) = reply { throw RedisError(url: url, message: "unlock \(key): \(text)") }
        return reply.integer == 1
    }

    /// For each key, atomically (one Lua script per key, all pipelined in one round trip): when
    /// it holds `token`, makes it live at least `milliseconds` from now (never shortens it).
    /// Each key on its own, so keys need not share a cluster slot or a proxy's shard.
    func checkAndExtend(_ keys: [String], token: String, milliseconds: Int) throws -> [RedisClient.LockState] {
        let replies = try pipeline(keys.map { key in
            ["EVAL", RedisClient.checkAndExtendScript, "1", key, token, String(max(1, milliseconds))].map { Array($0.utf8) }
        })
        return replies.map { reply in
            switch reply {
            case .error(let text): return .refused(text)
            case .array(let parts) where parts.first == .integer(0): return .held(remainingMilliseconds: parts.dropFirst().first?.integer ?? -1)
            case .array(let parts) where parts.first == .integer(1): return .gone
            case .array(let parts) where parts.first == .integer(2): return .other(parts.dropFirst().first?.bytes ?? [])
            default: return .refused("unexpected answer \(reply)")
            }
        }
    }
}
