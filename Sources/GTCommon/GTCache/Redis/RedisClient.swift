import Synchronization
import GTStreams

/// A Redis server shared by concurrent tasks: one connection, opened on first use, one caller at
/// a time. After a failure (unreachable, a dropped connection, a timeout) the client stays
/// failed for the rest of the process: callers fall back at once instead of waiting on timeouts
/// again (README "Running on many hosts").
public final class RedisClient: Sendable {
    public let url: RedisURL
    /// Seconds for connecting and for each reply.
    public let timeout: Double
    private let state = Mutex<State>(.idle)

    private enum State {
        case idle
        case open(RedisConnection)
        case failed(RedisError)
    }

    /// - Parameter timeout: seconds for connecting and for each reply.
    public init(url: RedisURL, timeout: Double = 2) {
        self.url = url
        self.timeout = timeout
    }

    /// The error that put the client out of use, if one did.
    public var failure: RedisError? {
        state.withLock { if case .failed(let error) = $0 { error } else { nil } }
    }

    /// Runs one command. A `.error` reply is returned, not thrown: only the connection fails.
    public func command(_ arguments: [String]) throws -> RedisReply {
        try pipeline([arguments.map { Array($0.utf8) }])[0]
    }

    public func command(bytes arguments: [[UInt8]]) throws -> RedisReply {
        try pipeline([arguments])[0]
    }

    /// Runs the commands in one round trip; replies in order.
    public func pipeline(_ commands: [[[UInt8]]]) throws -> [RedisReply] {
        if commands.isEmpty { return [] }
        return try state.withLock { state in
            let connection: RedisConnection
            switch state {
            case .failed(let error): throw error
            case .open(let open): connection = open
            case .idle:
                do { connection = try RedisConnection(url: url, timeout: timeout) } catch let error as RedisError {
                    state = .failed(error)
                    throw error
                }
                state = .open(connection)
            }
            do { return try connection.pipeline(commands) } catch let error as RedisError {
                state = .failed(error)  // frees the context
                throw error
            }
        }
    }

    /// Throws when the server cannot be reached (connects now if not yet connected).
    public func ping() throws {
        let reply = try command(["PING"])
        if case .error(let text) = reply { throw RedisError(url: url, message: text) }
    }

    // MARK: Locks owned by a random token (docs/architecture.md "Shared tier")

    /// `SET key token NX PX ms`: true when this caller now holds `key`.
    public func tryLock(_ key: String, token: String, milliseconds: Int) throws -> Bool {
        let reply = try command(["SET", key, token, "NX", "PX", String(max(1, milliseconds))])
        if case .error(let text) = reply { throw RedisError(url: url, message: "SET \(key) NX: \(text)") }
        return reply.isOK
    }

    /// Deletes `key` only if it still holds `token` (atomically, in Lua): an owner whose lock
    /// expired and was taken by another never deletes the other's lock.
    @discardableResult
    public func unlock(_ key: String, token: String) throws -> Bool {
        let reply = try command(["EVAL", Self.unlockScript, "1", key, token])
        if case .error(let text) = reply { throw RedisError(url: url, message: "unlock \(key): \(text)") }
        return reply.integer == 1
    }

    static let unlockScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"

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

    /// For each key, atomically (one Lua script per key, all pipelined in one round trip): when
    /// it holds `token`, makes it live at least `milliseconds` from now (never shortens it).
    /// Each key on its own, so keys need not share a cluster slot or a proxy's shard.
    public func checkAndExtend(_ keys: [String], token: String, milliseconds: Int) throws -> [LockState] {
        let replies = try pipeline(keys.map { key in
            ["EVAL", Self.checkAndExtendScript, "1", key, token, String(max(1, milliseconds))].map { Array($0.utf8) }
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

    /// 128 random bits, hex: no two holders share a token.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
