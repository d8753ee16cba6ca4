#if canImport(Glibc)
import Glibc
#endif
import GTStreams

/// Who holds a shared run lock, read from the value gt writes into the key:
/// `<32 hex digits> pid <pid> on <host> since <unix seconds>`. The random part is the owner's
/// proof (only it may extend or delete the key) and is never shown; gt before this form wrote no
/// `since`, and such a holder is still recognised.
public struct RunLockHolder: Sendable, CustomStringConvertible {
    public let pid: Int
    public let host: String
    /// When the holder took the lock (its wall clock), if its token says.
    public let since: Int?

    /// The value this process writes: a fresh random part, its pid, host and the time now.
    static func token(since: Int) -> String {
        "\(RedisClient.randomToken()) pid \(getpid()) on \(hostName()) since \(since)"
    }

    /// Parses a holder's value; nil for anything gt did not write.
    public init?(value bytes: [UInt8]) {
        guard bytes.count <= 300, let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let random = text.utf8.prefix(32)
        guard random.count == 32, random.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        var rest = Substring(text.dropFirst(32))
        guard rest.hasPrefix(" pid "), let on = rest.firstRange(of: " on ") else { return nil }
        let pid = rest[rest.index(rest.startIndex, offsetBy: 5)..<on.lowerBound]
        guard !pid.isEmpty, pid.count <= 10, pid.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(pid) else { return nil }
        rest = rest[on.upperBound...]
        var since: Int?
        var marker: Range<Substring.Index>?
        while let next = rest[(marker?.upperBound ?? rest.startIndex)...].firstRange(of: " since ") { marker = next }
        if let marker {
            let digits = rest[marker.upperBound...]
            if !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let seconds = Int(digits) {
                since = seconds
                rest = rest[..<marker.lowerBound]
            }
        }
        guard !rest.isEmpty else { return nil }
        self.pid = number
        // Another host's name goes into messages: nothing that would move a terminal's cursor.
        host = String(rest.unicodeScalars.map { $0.value >= 0x20 && $0.value != 0x7F ? Character($0) : "?" })
        self.since = since
    }

    /// `pid 4242 on host-a since 2024-05-01T10:00:00Z`.
    public var description: String {
        "pid \(pid) on \(host)" + (since.map { " since \(Self.utc($0))" } ?? "")
    }

    /// `seconds` since the epoch, UTC, ISO 8601 to the second.
    public static func utc(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "\(seconds) s after the epoch" }
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// Wall-clock seconds now: the `since` of a token (compared across hosts, so NTP matters).
    static func wallClock() -> Int {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int(spec.tv_sec)
    }

    private static func hostName() -> String {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let name = String(decoding: host.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "unknown-host" : name
    }
}

/// What a lock key another run holds means for this run (README "Running on many hosts").
enum ForeignHolder {
    /// A live gt run: this one is skipped (`duplicate_task`).
    case busy
    /// A key no run of gt would leave: refused (exit 1) with who holds it, since when and how to clear it.
    case refused(String)

    /// Reads `key` (type, expiry, at most 300 bytes of its value: a planted huge value is never read whole).
    static func inspect(_ session: RedisSession, key: String, staleAfterSeconds: Int) throws -> ForeignHolder {
        let replies = try session.pipeline([["TYPE", key], ["PTTL", key], ["GETRANGE", key, "0", "299"], ["STRLEN", key]]
            .map { $0.map { Array($0.utf8) } })
        if case .error(let text) = replies[0] { throw RedisError(url: session.url, message: "TYPE \(key): \(text)") }
        let clear = "delete it on the Redis server (DEL \(key)); gt never deletes a lock it did not take"
        switch replies[0] {
        case .status("none"): return .busy  // released between the two round trips
        case .status("string"): break
        default:
            let type = if case .status(let name) = replies[0] { name } else { "unknown" }
            return .refused("the shared run lock \(key) holds a value gt did not write (a \(type)); if nothing of yours uses it, \(clear)")
        }
        let length = replies[3].integer ?? 0
        guard let holder = replies[2].bytes.flatMap({ length <= 300 ? RunLockHolder(value: $0) : nil }) else {
            return .refused("""
                the shared run lock \(key) holds a value gt did not write (\(length) bytes, not \
                '<token> pid <pid> on <host> since <time>'); every run would be skipped while it stays: \
                if nothing of yours uses it, \(clear)
                """)
        }
        if replies[1].integer == -1 {
            return .refused("""
                the shared run lock \(key) has no expiry (held by \(holder)): gt always sets one, so something \
                removed it, and every run would be skipped while it stays; if no gt-apply runs as pid \(holder.pid) \
                on \(holder.host), \(clear)
                """)
        }
        if let since = holder.since, RunLockHolder.wallClock() - since > staleAfterSeconds {
            return .refused("""
                another gt-apply (pid \(holder.pid) on \(holder.host)) has held the shared run lock \(key) since \
                \(RunLockHolder.utc(since)) (\(RunLockHolder.wallClock() - since) s), over \(staleAfterSeconds) s: \
                a stale holder; check for a stuck gt-apply there (the key expires once it stops), or \(clear)
                """)
        }
        return .busy
    }
}
