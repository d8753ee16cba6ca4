internal import CHiredis
#if canImport(Glibc)
import Glibc
#endif
import GTStreams

/// One hiredis connection (`redisContext`), owned: freed in `deinit`, never handed out.
///
/// Calls block their thread until the reply comes, each within the timeout: they are made on
/// ``RedisClient``'s own queue only, one at a time, never on a thread of the cooperative pool.
/// After an I/O error hiredis marks the context unusable, and so does this class: every later
/// call throws the first error at once.
final class RedisConnection {
    private let context: UnsafeMutablePointer<redisContext>
    private let url: RedisURL

    init(url: RedisURL, timeout: Double) throws {
        self.url = url
        let tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        let made: UnsafeMutablePointer<redisContext>?
        switch url.endpoint {
        case .tcp(let host, let port): made = redisConnectWithTimeout(host, Int32(port), tv)
        case .unix(let path): made = redisConnectUnixWithTimeout(path, tv)
        }
        guard let made else { throw RedisError(url: url, message: "cannot allocate a connection") }
        if made.pointee.err != 0 {
            // Before `context` is set: a throwing init that set every property runs deinit too.
            let message = Self.errorText(made)
            redisFree(made)
            throw RedisError(url: url, message: "cannot connect: \(message)")
        }
        context = made
        redisSetTimeout(made, tv)
        if case .tcp = url.endpoint { _ = redisEnableKeepAlive(made) }  // on a unix socket it fails and poisons the context
        if let password = url.password {
            var auth = ["AUTH"]
            if let user = url.user { auth.append(user) }
            auth.append(password)
            if case .error(let text) = try command(auth.map { Array($0.utf8) }) {
                // The server's text ("WRONGPASS …", "ERR invalid password") never echoes the password.
                throw RedisError(url: url, message: "authentication refused: \(text)")
            }
        }
        if url.database != 0, case .error(let text) = try command(["SELECT", String(url.database)].map { Array($0.utf8) }) {
            throw RedisError(url: url, message: "SELECT \(url.database): \(text)")
        }
    }

    deinit { redisFree(context) }

    /// Sends one command and reads its reply.
    func command(_ arguments: [[UInt8]]) throws -> RedisReply {
        try pipeline([arguments])[0]
    }

    /// Sends every command, then reads every reply: one round trip for the lot (hiredis buffers
    /// the appended commands and writes them on the first `redisGetReply`).
    func pipeline(_ commands: [[[UInt8]]]) throws -> [RedisReply] {
        try checkUsable()
        for arguments in commands {
            let appended = Self.withArgv(arguments) { argc, argv, lengths in
                redisAppendCommandArgv(context, argc, argv, lengths)
            }
            guard appended == REDIS_OK else { throw failure("cannot queue a command") }
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw failure("no reply") }
            replies.append(Self.copy(raw.assumingMemoryBound(to: redisReply.self)))
            freeReplyObject(raw)
        }
        return replies
    }

    private func checkUsable() throws {
        if context.pointee.err != 0 { throw failure("connection unusable") }
    }

    private func failure(_ fallback: String) -> RedisError {
        let text = context.pointee.err != 0 ? Self.errorText(context) : fallback
        return RedisError(url: url, message: text.isEmpty ? fallback : text)
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: &context.pointee.errstr) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }

    /// Lays the arguments out in one buffer and passes hiredis pointers into it, valid for the
    /// call only (hiredis copies them into its output buffer).
    private static func withArgv<R>(_ arguments: [[UInt8]],
                                    _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R) -> R {
        var joined: [UInt8] = []
        var offsets: [Int] = []
        var lengths: [Int] = []
        for argument in arguments {
            offsets.append(joined.count)
            lengths.append(argument.count)
            joined += argument
        }
        joined.append(0)  // never an empty buffer, so the base address exists
        return joined.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var argv: [UnsafePointer<CChar>?] = offsets.map { base + $0 }
            return argv.withUnsafeMutableBufferPointer { argvBuffer in
                lengths.withUnsafeBufferPointer { lengthBuffer in
                    body(Int32(arguments.count), argvBuffer.baseAddress!, lengthBuffer.baseAddress!)
                }
            }
        }
    }

    private static func copy(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING:
            return .string(r.str.map { Array(UnsafeRawBufferPointer(start: $0, count: r.len)) } ?? [])
        case REDIS_REPLY_STATUS:
            return .status(r.str.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: r.len), as: UTF8.self) } ?? "")
        case REDIS_REPLY_ERROR:
            return .error(r.str.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: r.len), as: UTF8.self) } ?? "")
        case REDIS_REPLY_INTEGER:
            return .integer(r.integer)
        case REDIS_REPLY_ARRAY:
            return .array((0..<r.elements).compactMap { r.element[$0].map(copy) })
        default:
            return .null
        }
    }
}

/// A Redis failure: the URL (password shown as `***`) and what went wrong.
public struct RedisError: Error, CustomStringConvertible {
    public let url: RedisURL
    public let message: String
    public var description: String { "\(url): \(message)" }
}
