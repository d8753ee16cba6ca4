import Synchronization
import GTStreams

/// A Redis server shared by concurrent tasks: one connection, opened on first use, one caller at
/// a time. After a failure (unreachable, a dropped connection, a timeout) the client stays
/// failed for the rest of the process: callers fall back at once instead of waiting on timeouts
/// again (README "Running on many hosts").
public final class RedisClient: Sendable {
    public let url: RedisURL
    private let timeout: Double
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
        let script = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
        let reply = try command(["EVAL", script, "1", key, token])
        if case .error(let text) = reply { throw RedisError(url: url, message: "unlock \(key): \(text)") }
        return reply.integer == 1
    }

    /// Extends `key` to `milliseconds` from now only if it still holds `token`.
    public func extend(_ key: String, token: String, milliseconds: Int) throws -> Bool {
        let script = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
        let reply = try command(["EVAL", script, "1", key, token, String(milliseconds)])
        if case .error(let text) = reply { throw RedisError(url: url, message: "extend \(key): \(text)") }
        return reply.integer == 1
    }

    /// 128 random bits, hex: no two holders share a token.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
