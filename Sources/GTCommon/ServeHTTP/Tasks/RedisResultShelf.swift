import GTCache
import GTStreams
import Glibc
import Synchronization

/// The tasks' states on the Redis/Valkey server of `GT_CACHE_URL` (README "Replicas"), through
/// gt's ``RedisClient``: `gt:serve:task:<id>` holds `{"status": "pending", "replica": …}` from
/// admission, then the result as a GET answers it, each for the retention; each replica
/// refreshes `gt:serve:replica:<token>` (``heartbeatSeconds``) while it runs. A pending record
/// whose replica's heartbeat is gone reads as stopped. No request body, token or secret is
/// written: a result holds none.
public final class RedisResultShelf: ResultShelf {
    /// A replica's heartbeat lives this long, refreshed every ``refreshSeconds``: a replica
    /// killed mid-task is known stopped at most this long after its last refresh.
    public static let heartbeatSeconds = 30
    public static let refreshSeconds = 10
    /// The largest record read: a result of a few hundred thousand actions.
    static let maxRecordBytes = 64 << 20

    private let line: RedisLine
    private let ttlSeconds: Int64
    /// This replica: a random token (its heartbeat's key), and where it runs (for the message
    /// of a task it left pending).
    private let replica: String
    private let host: String
    private let pid: Int32

    public var label: String { line.url.description }
    var url: RedisURL { line.url }

    /// - Parameters:
    ///   - retention: how long a record lives after it was last written.
    ///   - timeout: seconds for connecting and for each reply.
    public init(url: RedisURL, retention: Duration, timeout: Double = 2) {
        line = RedisLine(url: url, timeout: timeout)
        ttlSeconds = max(1, retention.components.seconds)
        replica = RedisClient.randomToken()
        host = Self.hostName()
        pid = getpid()
    }

    /// With `--cache-url`/`GT_CACHE_URL` set, the shelf on that server; nil without. A
    /// malformed URL throws, naming the variable.
    public static func configured(flag: String?, environment: [String: String], retention: Duration) throws(InputError) -> RedisResultShelf? {
        do {
            return try RedisURL.configured(flag: flag, environment: environment).map { RedisResultShelf(url: $0, retention: retention) }
        } catch {
            throw InputError("\(error)")
        }
    }

    static func taskKey(_ id: String) -> String { "gt:serve:task:\(id)" }
    static func replicaKey(_ token: String) -> String { "gt:serve:replica:\(token)" }

    public func admit(_ id: String) async throws(ShelfError) {
        // The heartbeat first: a reader never sees this pending record without it.
        try await beat()
        let record: JSONValue = ["status": "pending", "replica": .string(replica), "host": .string(host), "pid": .int(Int64(pid))]
        try await set(Self.taskKey(id), record)
    }

    public func withdraw(_ id: String) async {
        _ = try? await line.command(["DEL", Self.taskKey(id)])
    }

    public func record(_ id: String, _ result: JSONValue) async throws(ShelfError) {
        try await set(Self.taskKey(id), result)
    }

    public func refresh(pending ids: [String]) async throws(ShelfError) {
        try await beat()
        for id in ids { _ = try await line.command(["EXPIRE", Self.taskKey(id), String(ttlSeconds)]) }
    }

    public func ping() async throws(ShelfError) {
        let reply = try await line.command(["PING"])
        guard reply == .status("PONG") else { throw ShelfError("\(label): PING answered \(reply)") }
    }

    public func read(_ id: String) async throws(ShelfError) -> ShelvedTask {
        let first = try await fetch(id)
        guard case .pending(let owner) = first else { return first.shelved }
        let alive = try await line.command(["EXISTS", Self.replicaKey(owner.replica)])
        if alive.integer == 1 { return .pending }
        // Its result may have been written just before the heartbeat went (a replica that
        // ended cleanly): only a record still pending after the heartbeat is gone is stopped.
        let again = try await fetch(id)
        guard case .pending(let owner) = again else { return again.shelved }
        return .stopped("the gt-serve replica running this task (host \(owner.host), pid \(owner.pid)) stopped without a result: "
                        + "its heartbeat was not refreshed for \(Self.heartbeatSeconds) s; the next run plans from what GlitchTip then holds")
    }

    // MARK: Records

    private enum Fetched {
        case shelved(ShelvedTask)
        case pending(Owner)

        var shelved: ShelvedTask { if case .shelved(let task) = self { task } else { .pending } }
    }

    private struct Owner {
        let replica: String
        let host: String
        let pid: Int64
    }

    /// The record, read with `GETRANGE` so that no more than ``maxRecordBytes`` (and one) is read.
    private func fetch(_ id: String) async throws(ShelfError) -> Fetched {
        let key = Self.taskKey(id)
        let reply = try await line.command(["GETRANGE", key, "0", String(Self.maxRecordBytes)])
        guard let bytes = reply.bytes else { throw ShelfError("\(label): GETRANGE \(key) answered \(reply)") }
        if bytes.isEmpty { return .shelved(.absent) }
        guard bytes.count <= Self.maxRecordBytes else { throw ShelfError("\(label): \(key) holds more than \(Self.maxRecordBytes) bytes") }
        let refused = ShelfError("\(label): \(key) does not hold a task record gt-serve wrote")
        guard let record = try? JSONValue(parsing: bytes), let status = record["status"]?.stringValue else { throw refused }
        switch status {
        case "pending":
            guard let token = record["replica"]?.stringValue, token.utf8.count == 32, token.utf8.allSatisfy(Self.isHex) else { throw refused }
            return .pending(Owner(replica: token, host: record["host"]?.stringValue ?? "unknown", pid: record["pid"]?.intValue ?? 0))
        case "success", "failed":
            // The result's five fields as written, nothing else a server might have added.
            var result: [String: JSONValue] = ["status": .string(status)]
            for (field, empty) in [("actions", JSONValue.array([])), ("applied_actions", .array([])), ("applied_count", .int(0)),
                                   ("errors", .array([]))] {
                result[field] = record[field] ?? empty
            }
            return .shelved(.finished(.object(result)))
        default:
            throw refused
        }
    }

    private func set(_ key: String, _ value: JSONValue) async throws(ShelfError) {
        let reply = try await line.command(["SET", key, value.serialized(), "EX", String(ttlSeconds)])
        guard reply.isOK else { throw ShelfError("\(label): SET \(key) answered \(reply)") }
    }

    private func beat() async throws(ShelfError) {
        let reply = try await line.command(["SET", Self.replicaKey(replica), "\(host) pid \(pid)", "EX", String(Self.heartbeatSeconds)])
        guard reply.isOK else { throw ShelfError("\(label): SET \(Self.replicaKey(replica)) answered \(reply)") }
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    private static func hostName() -> String {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let name = String(decoding: host.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "unknown-host" : name
    }
}

/// gt's ``RedisClient``, made again after it failed: a client stays failed once a call failed
/// (right for a run, which then falls back at once), while a server runs for months and must
/// use Redis again once it answers. Each call after a failure connects anew, within the
/// timeout; a call that fails on a connection opened earlier (Redis restarted, an idle
/// connection dropped) is sent once more on a new one: every command sent here may be repeated
/// (SET, EXPIRE, DEL, GETRANGE, EXISTS, PING).
final class RedisLine: Sendable {
    let url: RedisURL
    private let timeout: Double
    private let client: Mutex<RedisClient>

    init(url: RedisURL, timeout: Double) {
        self.url = url
        self.timeout = timeout
        client = Mutex(RedisClient(url: url, timeout: timeout))
    }

    /// The reply; an error reply or a failed connection throws, naming the server (never its password).
    func command(_ arguments: [String]) async throws(ShelfError) -> RedisReply {
        var attempt = 1
        while true {
            let (current, made) = client.withLock { client in
                guard client.failure != nil else { return (client, false) }
                client = RedisClient(url: url, timeout: timeout)
                return (client, true)
            }
            let reply: RedisReply
            do { reply = try await current.command(arguments) } catch {
                // A connection made for this call that failed: Redis does not answer now.
                if made || attempt == 2 || current.failure == nil { throw ShelfError("\(error)") }
                attempt += 1
                continue
            }
            if case .error(let text) = reply { throw ShelfError("\(url): \(arguments.first ?? ""): \(text)") }
            return reply
        }
    }
}
