import Dispatch
import Synchronization
import GTStreams

/// A Redis server shared by concurrent tasks: one connection, opened on first use, one call at
/// a time. After a failure (unreachable, a dropped connection, a timeout) the client stays
/// failed for the rest of the process: callers fall back at once instead of waiting on timeouts
/// again (README "Running on many hosts").
///
/// hiredis blocks its thread until the reply comes (up to ``timeout``), and Swift's cooperative
/// pool has one thread per core: every call therefore runs on the client's own serial queue,
/// as libcurl's transfers run on their own thread (docs/architecture.md, "Concurrency"). Async
/// code awaits the reply without holding a pool thread; the blocking forms are for threads of
/// their own (the listing cache's I/O queues, tests) and cannot be called from async code.
public final class RedisClient: Sendable {
    public let url: RedisURL
    /// Seconds for connecting and for each reply.
    public let timeout: Double
    /// Where the connection is used, one call at a time.
    private let queue = DispatchQueue(label: "gt.redis")
    /// Touched on `queue` only (and read by ``failure``).
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

    /// Lends the connection to `body` on the client's queue and resumes once `body` is done:
    /// the wait for the replies holds no thread of the cooperative pool.
    func withSession<T: Sendable>(_ body: @escaping @Sendable (RedisSession) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body(RedisSession(client: self)) }) }
        }
    }

    /// The same on the calling thread, which waits: never from async code.
    @available(*, noasync, message: "blocks its thread until Redis answers: await the async form")
    func withSession<T>(_ body: (RedisSession) throws -> T) throws -> T {
        try queue.sync { try body(RedisSession(client: self)) }
    }

    /// Runs the commands in one round trip (connecting first if not yet connected); on the
    /// client's queue only.
    fileprivate func exchange(_ commands: [[[UInt8]]]) throws -> [RedisReply] {
        dispatchPrecondition(condition: .onQueue(queue))
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

    // MARK: One call each. A `.error` reply is returned, not thrown: only the connection fails.

    public func command(_ arguments: [String]) async throws -> RedisReply {
        try await withSession { try $0.command(arguments) }
    }

    @available(*, noasync, message: "blocks its thread until Redis answers: await the async form")
    public func command(_ arguments: [String]) throws -> RedisReply { try withSession { try $0.command(arguments) } }

    public func command(bytes arguments: [[UInt8]]) async throws -> RedisReply {
        try await withSession { try $0.command(bytes: arguments) }
    }

    @available(*, noasync, message: "blocks its thread until Redis answers: await the async form")
    public func command(bytes arguments: [[UInt8]]) throws -> RedisReply { try withSession { try $0.command(bytes: arguments) } }

    /// Throws when the server cannot be reached (connects now if not yet connected).
    @available(*, noasync, message: "blocks its thread until Redis answers: await the async form")
    public func ping() throws { try withSession { try $0.ping() } }

    public func ping() async throws { try await withSession { try $0.ping() } }

    /// `SET key token NX PX ms`: true when this caller now holds `key`.
    public func tryLock(_ key: String, token: String, milliseconds: Int) async throws -> Bool {
        try await withSession { try $0.tryLock(key, token: token, milliseconds: milliseconds) }
    }

    @available(*, noasync, message: "blocks its thread until Redis answers: await the async form")
    public func tryLock(_ key: String, token: String, milliseconds: Int) throws -> Bool {
        try withSession { try $0.tryLock(key, token: token, milliseconds: milliseconds) }
    }

    /// Deletes `key` only if it still holds `token`.
    @discardableResult
    public func unlock(_ key: String, token: String) async throws -> Bool {
        try await withSession { try $0.unlock(key, token: token) }
    }

    @discardableResult
    @available(*, noasync, message: "blocks its thread until Redis answers: await the async form")
    public func unlock(_ key: String, token: String) throws -> Bool { try withSession { try $0.unlock(key, token: token) } }

    /// 128 random bits, hex: no two holders share a token.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}

/// The client's connection, lent for one call on the client's queue (``RedisClient/withSession(_:)-(_)``):
/// what runs here blocks that queue, never the caller, and must not keep the session.
struct RedisSession {
    let client: RedisClient

    var url: RedisURL { client.url }

    /// Runs the commands in one round trip; replies in order.
    func pipeline(_ commands: [[[UInt8]]]) throws -> [RedisReply] { try client.exchange(commands) }

    func command(_ arguments: [String]) throws -> RedisReply { try pipeline([arguments.map { Array($0.utf8) }])[0] }

    func command(bytes arguments: [[UInt8]]) throws -> RedisReply { try pipeline([arguments])[0] }

    func ping() throws {
        if case .error(let text) = try command(["PING"]) { throw RedisError(url: url, message: text) }
    }
}

@available(*, unavailable, message: "lent for one call on the client's queue")
extension RedisSession: Sendable {}
