import GTStreams
/// Where the shared cache tier lives (`GT_CACHE_URL`, `--cache-url`; README "Running on many
/// hosts"): `redis://[[user]:password@]host[:port][/db]` or
/// `unix://[[user]:password@]/path/to/redis.sock`, each with `?db=N`, `?password=…`,
/// `?username=…` as redis-py's `from_url` reads them (RedisURL+Parsing.swift).
///
/// Nothing shows the password: `description` replaces it with `***`, and a URL that does not
/// parse is quoted in its error only as far as it holds no secret.
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

    /// The URL with the password replaced by `***`.
    public var description: String {
        let credentials = password == nil ? "" : "\(user ?? ""):***@"
        switch endpoint {
        case .unix(let path):
            return "unix://\(credentials)\(path)" + (database == 0 ? "" : "?db=\(database)")
        case .tcp(let host, let port):
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return "redis://\(credentials)\(shownHost):\(port)/\(database)"
        }
    }

    /// `--cache-url`, else `GT_CACHE_URL`; nil when neither is set (the file tier is used). An
    /// error from the variable names it (the flag's callers name the flag).
    public static func configured(flag: String?, environment: [String: String]) throws -> RedisURL? {
        if let flag { return flag.isEmpty ? nil : try RedisURL(parsing: flag) }
        guard let text = environment["GT_CACHE_URL"], !text.isEmpty else { return nil }
        do {
            return try RedisURL(parsing: text)
        } catch let error as Invalid {
            throw Invalid(description: "GT_CACHE_URL: \(error.description)")
        }
    }
}
