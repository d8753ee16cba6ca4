/// A URL as it may appear in logs and errors: scheme, host, port and path only.
///
/// Webhook URLs carry tokens in their query (`?token=…`) or userinfo (`https://user:pw@…`); the
/// stored form never holds either.
public struct RedactedURL: Sendable, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ url: String) {
        let parts = URLParts(url)
        description = parts.scheme.isEmpty ? "<invalid URL>" : "\(parts.scheme)://\(parts.hostPort)\(parts.path)"
    }

    /// The form for human output (SPEC §2): query and userinfo replaced by `…`, so a reader sees
    /// that something was there.
    public static func display(_ url: String) -> String {
        let parts = URLParts(url)
        guard !parts.scheme.isEmpty else { return url.isEmpty ? "" : "…" }
        let user = parts.userinfo == nil ? "" : "…@"
        let query = parts.query == nil ? "" : "?…"
        return "\(parts.scheme)://\(user)\(parts.hostPort)\(parts.path)\(query)"
    }
}

/// The pieces of an absolute URL, split without normalising anything.
public struct URLParts: Sendable, Equatable {
    public var scheme = ""
    public var userinfo: String?
    /// Host with its port, as written (`Hooks.Example.com:8443`).
    public var hostPort = ""
    public var path = ""
    public var query: String?
    public var fragment: String?

    public init(_ url: String) {
        guard let schemeEnd = url.firstRange(of: "://") else { return }
        scheme = String(url[..<schemeEnd.lowerBound])
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) else {
            scheme = ""
            return
        }
        var rest = url[schemeEnd.upperBound...]
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        if let q = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: q)...])
            rest = rest[..<q]
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        path = String(rest[authorityEnd...])
        if let at = authority.lastIndex(of: "@") {
            userinfo = String(authority[..<at])
            authority = authority[authority.index(after: at)...]
        }
        hostPort = String(authority)
    }

    /// `scheme://host:port`, lower-cased, the default port made explicit: what two URLs must share
    /// to be the same server.
    public var origin: String {
        let lowerScheme = scheme.lowercased()
        let authority = hostPort.lowercased()
        var host = authority
        var port = ""
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[...close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = String(after.dropFirst()) }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            port = String(authority[authority.index(after: colon)...])
        }
        if port.isEmpty { port = lowerScheme == "https" ? "443" : lowerScheme == "http" ? "80" : "" }
        return "\(lowerScheme)://\(host):\(port)"
    }
}
