/// The query of a cache URL as redis-py reads it (`parse_qs`, then `unquote` on each value):
/// pairs split at `&`, `+` a space and `%XX` decoded in names and values, each value decoded
/// once more, a blank value ignored. gt reads `db`, `password` and `username`; any other
/// parameter, and one given twice, is refused rather than ignored.
struct RedisURLQuery {
    var database: Int?
    var password: String?
    var username: String?

    static let read: Set<String> = ["db", "password", "username"]

    /// redis-py's other connection options (its `URL_QUERY_ARGUMENT_PARSERS`): named in an error
    /// as not read by gt. Any other name is not shown: it may be a misplaced password.
    static let redisPyOptions: Set<String> = [
        "socket_timeout", "socket_connect_timeout", "socket_keepalive", "retry_on_timeout", "retry_on_error",
        "max_connections", "health_check_interval", "ssl_check_hostname", "protocol", "timeout",
    ]

    init(_ query: Substring?, _ invalid: (String) -> RedisURL.Invalid) throws {
        guard let query else { return }
        var seen: Set<String> = []
        for (position, pair) in query.split(separator: "&").enumerated() {
            guard let equals = pair.firstIndex(of: "="), let name = Self.formDecoded(pair[..<equals]), Self.read.contains(name) else {
                let name = pair.firstIndex(of: "=").flatMap { Self.formDecoded(pair[..<$0]) }
                if let name, Self.redisPyOptions.contains(name) {
                    throw invalid("gt does not read the query parameter '\(name)' (only db, password and username)")
                }
                throw invalid("query parameter \(position + 1) is not one of db, password, username (not shown: it may be a secret)")
            }
            guard seen.insert(name).inserted else { throw invalid("the query parameter '\(name)' is given twice") }
            guard let once = Self.formDecoded(pair[pair.index(after: equals)...]) else {
                throw invalid("the value of '\(name)' has a percent-escape that is not UTF-8")
            }
            let value = try RedisURL.decoded(Substring(once), invalid)
            if value.isEmpty { continue }
            switch name {
            case "db":
                guard let number = RedisURL.databaseNumber(Substring(value)) else {
                    throw invalid("db must be a number from 0 to \(Int32.max)")
                }
                database = number
            case "password": password = value
            default: username = value
            }
        }
    }

    /// `parse_qs`'s decoding: `+` is a space, `%XX` a byte, a `%` that starts no escape kept;
    /// nil when the bytes are not UTF-8.
    static func formDecoded(_ text: Substring) -> String? {
        let spaced = text.replacing("+", with: " ")
        return try? RedisURL.decoded(spaced[...]) { RedisURL.Invalid(description: $0) }
    }
}
