import GTStreams

extension RedisURL {
    static let forms = "expected redis://[[user]:password@]host[:port][/db] or unix://[[user]:password@]/path/to/redis.sock, "
        + "each with [?db=N&password=…&username=…]"

    /// Parses `text` as redis-py's `from_url` does (`urlparse`, then `parse_qs` and `unquote` on
    /// each query value): the password from the user info or `?password=`, the user name from
    /// the user info (before its `:`) or `?username=`, the database from `?db=` else the
    /// `redis://` path; `%XX` decoded, a `%` that starts no escape kept. Stricter where redis-py
    /// would guess: the scheme, an unknown or repeated parameter, a password or user name given
    /// twice, a user name without a password, a `#`, a host on `unix://`, a path that is not a
    /// database number, port 0. The error quotes the URL only as ``RedisURLText/shown`` does,
    /// never its password.
    public init(parsing text: String) throws {
        let raw = RedisURLText(text)
        func invalid(_ problem: String) -> Invalid { Invalid(description: "cache URL \(raw.shown): \(problem)") }
        switch raw.scheme {
        case "redis", "unix": break
        case "rediss":
            throw invalid("""
                TLS is not supported by the linked hiredis (Debian's libhiredis 0.14 has no \
                TLS library); reach a TLS server through a local TLS tunnel, e.g. stunnel with a client section \
                "accept = 127.0.0.1:6380, connect = redis.example.com:6379", then GT_CACHE_URL=redis://127.0.0.1:6380
                """)
        default:
            throw invalid(Self.forms)
        }
        guard raw.fragment == nil else { throw invalid("'#' has no meaning in a cache URL (inside a password, write it %23); \(Self.forms)") }

        var user: String?
        var password: String?
        if let userinfo = raw.userinfo {
            // urlparse: the user name before the first `:`, the password after it; empty is unset.
            let colon = userinfo.firstIndex(of: ":")
            user = try Self.decoded(userinfo[..<(colon ?? userinfo.endIndex)], invalid)
            password = try colon.map { try Self.decoded(userinfo[userinfo.index(after: $0)...], invalid) } ?? ""
        }
        let query = try RedisURLQuery(raw.query, invalid)
        if let fromQuery = query.password, !(password ?? "").isEmpty, !fromQuery.isEmpty {
            throw invalid("a password both in the user info and in the query; give one")
        }
        if let fromQuery = query.username, !(user ?? "").isEmpty, !fromQuery.isEmpty {
            throw invalid("a user name both in the user info and in the query; give one")
        }
        user = (user ?? "").isEmpty ? query.username : user
        password = (password ?? "").isEmpty ? query.password : password
        if (user ?? "").isEmpty { user = nil }
        if (password ?? "").isEmpty { password = nil }
        if user != nil && password == nil {
            throw invalid("a user name without a password (user info without ':' is a user name, as redis-py reads it: "
                          + "write :password@ for a password alone)")
        }

        if raw.scheme == "unix" {
            guard raw.hostPort.isEmpty else { throw invalid("unix:// takes no host: unix:///path/to/redis.sock or unix://:password@/path; \(Self.forms)") }
            let path = try Self.decoded(raw.path, invalid)
            guard path.hasPrefix("/"), path.count > 1 else { throw invalid("the socket path must be absolute; \(Self.forms)") }
            self.init(endpoint: .unix(path: path), database: query.database ?? 0, user: user, password: password)
            return
        }
        var database = 0
        if !raw.path.isEmpty && raw.path != "/" {
            guard let number = Self.databaseNumber(raw.path.dropFirst()) else {
                throw invalid("the path must be a database number from 0 to \(Int32.max); \(Self.forms)")
            }
            database = number
        }
        let (host, port) = try Self.hostAndPort(raw.hostPort, invalid)
        self.init(endpoint: .tcp(host: host, port: port), database: query.database ?? database, user: user, password: password)
    }

    /// `0` to `Int32.max` in decimal digits, as `SELECT` takes it.
    static func databaseNumber(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 10, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text),
              value <= Int(Int32.max) else { return nil }
        return value
    }

    /// `host`, `host:port` or `[v6]:port`; the port 1 to 65535, 6379 when absent or empty.
    private static func hostAndPort(_ text: Substring, _ invalid: (String) -> Invalid) throws -> (String, Int) {
        var host = text
        var port: Substring = ""
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw invalid("an IPv6 address without its ']'; \(forms)") }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { throw invalid("only ':port' may follow ']'; \(forms)") }
            port = after.dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else { throw invalid("no host; \(forms)") }
        if port.isEmpty { return (String(host), 6379) }
        guard port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(port), (1...65535).contains(number) else {
            throw invalid("the port must be a number from 1 to 65535; \(forms)")
        }
        return (String(host), number)
    }

    /// Python's `unquote`: `%XX` decoded, a `%` that starts no escape kept; the result must be
    /// UTF-8 (redis-py would send U+FFFD in its place).
    static func decoded(_ text: Substring, _ invalid: (String) -> Invalid) throws -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%"), index + 2 < utf8.count,
               let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2]) {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else { throw invalid("a percent-escape that is not UTF-8") }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
