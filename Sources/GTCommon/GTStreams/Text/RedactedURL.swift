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
    /// put its token in the first segment itself. `\` separates segments as `/` does (GlitchTip
    /// reads it so). The host is `…` too when it may be part of a password: when it is not a
    /// host name, or when an `@` follows in the path (a password holding `/` or `\` ends the
    /// host early).
    public static func display(_ url: String) -> String {
        let parts = URLParts(url)
        guard !parts.scheme.isEmpty else { return url.isEmpty ? "" : "…" }
        let user = parts.userinfo == nil ? "" : "…@"
        let query = parts.query == nil ? "" : "?…"
        let hostShown = isHostAndPort(parts.hostPort) && (parts.userinfo != nil || !parts.path.contains("@"))
        return "\(parts.scheme)://\(user)\(hostShown ? parts.hostPort : "…")\(redactedPath(parts.path))\(query)"
    }

    /// `path` with every segment but a plain-word first one replaced by `…`; `/` and `\` both
    /// separate segments, and the result uses `/`.
    static func redactedPath(_ path: String) -> String {
        guard let lead = path.first, isSlash(lead) else { return path.isEmpty ? "" : "/…" }
        let segments = path.dropFirst().split(omittingEmptySubsequences: false, whereSeparator: isSlash)
        guard let first = segments.first, !(segments.count == 1 && first.isEmpty) else { return "/" }
        let rest = segments.dropFirst()
        let shown = isPlainWord(first) ? String(first) : "…"
        if rest.allSatisfy(\.isEmpty) { return "/" + shown + (rest.isEmpty ? "" : "/") }
        return shown == "…" ? "/…" : "/\(shown)/…"
    }

    private static func isSlash(_ character: Character) -> Bool { character == "/" || character == "\\" }

    /// A host name or address with an optional port: letters, digits, `.`, `-`, `_`, `%`
    /// (`Hooks.Example.com:8443`, `10.0.0.1`, `Bücher.example`), or `[…]` holding an IPv6 address.
    private static func isHostAndPort(_ text: String) -> Bool {
        var host = Substring(text)
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]"),
           host[host.index(after: colon)...].allSatisfy({ $0.isASCII && $0.isNumber }) {
            host = host[..<colon]
        }
        if host.hasPrefix("["), host.hasSuffix("]") {
            return host.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        return !host.isEmpty && host.allSatisfy { $0.isLetter || $0.isNumber || ".-_%".contains($0) }
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
}
