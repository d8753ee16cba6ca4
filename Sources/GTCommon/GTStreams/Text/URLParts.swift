/// The pieces of an absolute URL, split without normalising anything.
///
/// An http or https URL is split where GlitchTip's parser (WHATWG) splits it: any run of `/` and
/// `\` after `scheme:`, and the authority ended by `\` as by `/` (docs/streams.md, "Redaction"),
/// so a secret path written with backslashes is a path, never part of a host. Other schemes need
/// `scheme://` for an authority, as before. libcurl does not read `\` as `/`: code that decides
/// where a request goes checks for `\` itself (``GlitchTipClient``'s next-page links).
public struct URLParts: Sendable, Equatable {
    public var scheme = ""
    public var userinfo: String?
    /// Host with its port, as written (`Hooks.Example.com:8443`).
    public var hostPort = ""
    /// As written, `\` included (`\services\T0`).
    public var path = ""
    public var query: String?
    public var fragment: String?

    public init(_ url: String) {
        // Code points, not Characters: `/` followed by a combining mark is one Character in Swift
        // and still a `/` to GlitchTip's parser, so a split by Characters would hide a path (a
        // secret) inside the host.
        let all = url.unicodeScalars
        guard let colon = all.firstIndex(of: ":") else { return }
        let name = all[..<colon]
        guard let first = name.first, Self.isASCIILetter(first),
              name.allSatisfy({ Self.isASCIILetter($0) || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0) })
        else { return }
        let special = Self.isSpecial(Substring(name))
        var rest = all[all.index(after: colon)...]
        if special {
            rest = rest.drop { $0 == "/" || $0 == "\\" }
        } else {
            guard rest.starts(with: "//".unicodeScalars) else { return }
            rest = rest.dropFirst(2)
        }
        scheme = String(name)
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        if let q = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: q)...])
            rest = rest[..<q]
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || (special && $0 == "\\") } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        path = String(rest[authorityEnd...])
        if let at = authority.lastIndex(of: "@") {
            userinfo = String(authority[..<at])
            authority = authority[authority.index(after: at)...]
        }
        hostPort = String(authority)
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    /// http and https: the schemes whose URLs GlitchTip's parser reads with WHATWG's special rules.
    static func isSpecial(_ scheme: Substring) -> Bool {
        let lower = scheme.lowercased()
        return lower == "http" || lower == "https"
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
