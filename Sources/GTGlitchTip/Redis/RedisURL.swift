import GTStreams
/// Where the shared cache tier lives (`GT_CACHE_URL`, `--cache-url`; README "Running on many
/// hosts"): `redis://[[user]:password@]host[:port][/db]` or `unix:///path/to/redis.sock[?db=N]`.
///
/// `description` never contains the password: URLs end up in warnings and errors.
public struct RedisURL: Sendable, Equatable, CustomStringConvertible {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    public let endpoint: Endpoint
    public let database: Int
    public let user: String?
    public let password: String?

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(endpoint: Endpoint, database: Int = 0, user: String? = nil, password: String? = nil) {
        self.endpoint = endpoint
        self.database = database
        self.user = user
        self.password = password
    }

    /// Parses `text`; the error names the form expected and never repeats a password.
    public init(parsing text: String) throws {
        let forms = "expected redis://[:password@]host[:port][/db] or unix:///path/to/redis.sock[?db=N]"
        if text.hasPrefix("rediss://") {
            throw Invalid(description: """
                cache URL rediss://…: TLS is not supported by the linked hiredis (Debian's libhiredis 0.14 has no \
                TLS library); reach a TLS server through a local TLS tunnel, e.g. stunnel with a client section \
                "accept = 127.0.0.1:6380, connect = redis.example.com:6379", then GT_CACHE_URL=redis://127.0.0.1:6380
                """)
        }
        if text.hasPrefix("unix://") {
            var rest = Substring(text.dropFirst("unix://".count))
            var database = 0
            if let question = rest.firstIndex(of: "?") {
                let query = rest[rest.index(after: question)...]
                rest = rest[..<question]
                for pair in query.split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, parts[0] == "db", let db = Int(parts[1]), db >= 0 else {
                        throw Invalid(description: "cache URL unix://\(rest): unknown query '\(pair)'; \(forms)")
                    }
                    database = db
                }
            }
            guard rest.hasPrefix("/"), rest.count > 1 else {
                throw Invalid(description: "cache URL unix://\(rest): the socket path must be absolute; \(forms)")
            }
            self.init(endpoint: .unix(path: String(rest)), database: database)
            return
        }
        guard text.hasPrefix("redis://") else {
            let scheme = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            throw Invalid(description: "cache URL with scheme '\(scheme.count < 16 ? scheme : "?")': \(forms)")
        }
        var rest = Substring(text.dropFirst("redis://".count))
        var user: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                let name = String(credentials[..<colon])
                user = name.isEmpty ? nil : try Self.percentDecoded(name)
                password = try Self.percentDecoded(String(credentials[credentials.index(after: colon)...]))
            } else {
                password = try Self.percentDecoded(String(credentials))
            }
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let db = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !db.isEmpty {
                guard let number = Int(db), number >= 0 else {
                    throw Invalid(description: "cache URL redis://\(rest)/\(db): the database must be a number; \(forms)")
                }
                database = number
            }
        }
        var host = String(rest)
        var port = 6379
        if host.hasPrefix("[") {  // [::1]:6379
            guard let close = host.firstIndex(of: "]") else { throw Invalid(description: "cache URL redis://\(host): \(forms)") }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else {
                    throw Invalid(description: "cache URL redis://\(host): bad port; \(forms)")
                }
                port = p
            }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            guard let p = Int(host[host.index(after: colon)...]), (1...65535).contains(p) else {
                throw Invalid(description: "cache URL redis://\(host): bad port; \(forms)")
            }
            port = p
            host = String(host[..<colon])
        }
        guard !host.isEmpty else { throw Invalid(description: "cache URL redis://: no host; \(forms)") }
        self.init(endpoint: .tcp(host: host, port: port), database: database, user: user, password: password)
    }

    /// The URL with the password replaced by `***`.
    public var description: String {
        switch endpoint {
        case .unix(let path):
            return "unix://\(path)" + (database == 0 ? "" : "?db=\(database)")
        case .tcp(let host, let port):
            let credentials = password == nil ? "" : "\(user ?? ""):***@"
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return "redis://\(credentials)\(shownHost):\(port)/\(database)"
        }
    }

    private static func percentDecoded(_ text: String) throws -> String {
        guard let decoded = PercentEncoding.decode(text) else {
            throw Invalid(description: "cache URL: bad percent-encoding in the credentials")
        }
        return decoded
    }

    /// `--cache-url`, else `GT_CACHE_URL`; nil when neither is set (the file tier is used).
    public static func configured(flag: String?, environment: [String: String]) throws -> RedisURL? {
        guard let text = flag ?? environment["GT_CACHE_URL"], !text.isEmpty else { return nil }
        return try RedisURL(parsing: text)
    }
}
