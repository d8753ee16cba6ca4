/// A URL as it may appear in logs and errors: scheme, host, port and path only.
///
/// Used for the URLs gt itself requests (GlitchTip's API, Vault, qontract-server): their paths
/// name organizations and projects, never a secret, and the stored form never holds a query or
/// userinfo. Webhook URLs, which carry secrets in their paths too, are shown with
/// ``display(_:)``; text a server sent back is cleaned with ``scrub(_:)`` (docs/streams.md,
/// "Redaction").
public struct RedactedURL: Sendable, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ url: String) {
        let parts = URLParts(url)
        description = parts.scheme.isEmpty ? "<invalid URL>" : "\(parts.scheme)://\(parts.hostPort)\(parts.path)"
    }

    /// The form of a recipient (webhook) URL for human output and error messages: scheme and
    /// host; userinfo and query replaced by `…`; of the path only the first segment, and only
    /// when it is a plain word (`services`, `api`, `hooks`, `v1`): Slack keeps its secret in
    /// `/services/T…/B…/<secret>`, Discord in `/api/webhooks/<id>/<token>`, and a service may
    /// put its token in the first segment itself.
    public static func display(_ url: String) -> String {
        let parts = URLParts(url)
        guard !parts.scheme.isEmpty else { return url.isEmpty ? "" : "…" }
        let user = parts.userinfo == nil ? "" : "…@"
        let query = parts.query == nil ? "" : "?…"
        return "\(parts.scheme)://\(user)\(parts.hostPort)\(redactedPath(parts.path))\(query)"
    }

    /// `path` with every segment but a plain-word first one replaced by `…`.
    static func redactedPath(_ path: String) -> String {
        guard path.hasPrefix("/") else { return path.isEmpty ? "" : "/…" }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        guard let first = segments.first, !(segments.count == 1 && first.isEmpty) else { return "/" }
        let rest = segments.dropFirst()
        let shown = isPlainWord(first) ? String(first) : "…"
        if rest.allSatisfy(\.isEmpty) { return "/" + shown + (rest.isEmpty ? "" : "/") }
        return shown == "…" ? "/…" : "/\(shown)/…"
    }

    /// A path segment that names a route rather than holding a credential: at most 16
    /// lower-case letters, `.`, `_`, `-` (starting with a letter), or a version like `v1`. A
    /// random token of that shape is vanishingly rare.
    static func isPlainWord(_ segment: Substring) -> Bool {
        let scalars = Array(segment.unicodeScalars)
        guard (1...16).contains(scalars.count) else { return false }
        func lower(_ s: Unicode.Scalar) -> Bool { s >= "a" && s <= "z" }
        func digit(_ s: Unicode.Scalar) -> Bool { s >= "0" && s <= "9" }
        if scalars[0] == "v", scalars.count <= 4, scalars.count > 1, scalars.dropFirst().allSatisfy(digit) { return true }
        return lower(scalars[0]) && scalars.allSatisfy { lower($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    /// `text` (a body a server sent back, a parser's message quoting its input) with everything
    /// URL-like in it redacted as ``display(_:)`` does: `scheme://…` anywhere in a word,
    /// percent-encoded (`https%3A%2F%2F…`), and `host.example/path` without a scheme. A 400 or
    /// 422 body may repeat the webhook URL that was sent, secret included.
    public static func scrub(_ text: String) -> String {
        let plain = text.replacing("\\/", with: "/")  // JSON's escaped solidus
        var out = ""
        var word = ""
        for character in plain {
            if isWordBreak(character) {
                out += scrubWord(word)
                word = ""
                out.append(character)
            } else {
                word.append(character)
            }
        }
        return out + scrubWord(word)
    }

    /// Where a URL quoted in a message ends: white space and the quotes around it.
    private static func isWordBreak(_ c: Character) -> Bool {
        c.isWhitespace || c == "\"" || c == "'" || c == "<" || c == ">" || c == "`"
    }

    private static func scrubWord(_ word: String) -> String {
        if let separator = word.firstRange(of: "://") {
            // The scheme is the run of scheme characters right before `://`; anything earlier
            // (`(`, `url=`) is kept as it is.
            var start = separator.lowerBound
            while start > word.startIndex {
                let before = word.index(before: start)
                guard word[before].isASCII, word[before].isLetter || word[before].isNumber || "+-.".contains(word[before]) else { break }
                start = before
            }
            return String(word[..<start]) + display(String(word[start...]))
        }
        if let encoded = percentEncodedSchemeEnd(word) {
            return String(word[..<encoded]) + "…"
        }
        if let slash = word.firstIndex(of: "/"), looksLikeHost(word[..<slash]) {
            let authority = word[..<slash]
            let host = authority.lastIndex(of: "@").map { "…@" + authority[authority.index(after: $0)...] } ?? String(authority)
            var path = String(word[slash...])
            var query = ""
            if let mark = path.firstIndex(of: "?") {
                path = String(path[..<mark])
                query = "?…"
            }
            return host + redactedPath(path) + query
        }
        return word
    }

    /// The end of the first `%3A%2F%2F` (`://` percent-encoded, either case) in `word`.
    private static func percentEncodedSchemeEnd(_ word: String) -> String.Index? {
        let pattern = Array("%3A%2F%2F".utf8)
        let bytes = Array(word.utf8)
        guard bytes.count >= pattern.count else { return nil }
        for start in 0...(bytes.count - pattern.count) {
            let matches = (0..<pattern.count).allSatisfy { offset in
                let byte = bytes[start + offset]
                return (byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte) == pattern[offset]
            }
            if matches { return word.utf8.index(word.utf8.startIndex, offsetBy: start + pattern.count) }
        }
        return nil
    }

    /// `hooks.example.com`, `user:pw@hooks.example.com:8443`, `10.0.0.1`: a host name with a dot
    /// and a top-level label of letters, or an IPv4 address.
    private static func looksLikeHost(_ authority: Substring) -> Bool {
        var host = authority
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        if let colon = host.lastIndex(of: ":"), host[host.index(after: colon)...].allSatisfy(\.isNumber) {
            host = host[..<colon]
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2,
              labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } })
        else { return false }
        let top = labels[labels.count - 1]
        return (top.count >= 2 && top.allSatisfy(\.isLetter)) || (labels.count == 4 && labels.allSatisfy { $0.allSatisfy(\.isNumber) })
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
