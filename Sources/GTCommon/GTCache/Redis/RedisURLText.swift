/// A cache URL split as Python's `urlsplit` splits it, before anything is checked: what
/// ``RedisURL/init(parsing:)`` reads, and what its errors may show of it.
struct RedisURLText {
    /// Before `://`; nil without one.
    var scheme: Substring?
    /// Before the last `@` of the authority (the part up to the first `/`, `?` or `#`).
    var userinfo: Substring?
    var hostPort: Substring = ""
    var path: Substring = ""
    var query: Substring?
    var fragment: Substring?

    init(_ text: String) {
        guard let separator = text.firstRange(of: "://") else { return }
        scheme = text[..<separator.lowerBound]
        var rest = text[separator.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        rest = rest[authorityEnd...]
        if let hash = rest.firstIndex(of: "#") {
            fragment = rest[rest.index(after: hash)...]
            rest = rest[..<hash]
        }
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        path = rest
        if let at = authority.lastIndex(of: "@") {
            userinfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
        } else {
            hostPort = authority
        }
    }

    /// The URL as an error may quote it, whatever it holds: the scheme when it is a plain word;
    /// user info as `…@`; the host and port each only when it looks like one (a password typed
    /// where a host goes, or a host on `unix://`, is `…`); a `redis://` path only when it is a
    /// number, a `unix://` path only without `@`; of the query only the names gt or redis-py
    /// know, each value `…` but a numeric `db`; a fragment as `#…`. Nothing at all without `://`.
    var shown: String {
        guard let scheme else { return "…" }
        let plainScheme = (1...10).contains(scheme.count) && scheme.allSatisfy { $0.isASCII && $0.isLowercase }
        var out = (plainScheme ? String(scheme) : "…") + "://"
        if userinfo != nil { out += "…@" }
        if !hostPort.isEmpty { out += scheme == "unix" ? "…" : Self.shownHostPort(hostPort) }
        if !path.isEmpty {
            let numeric = path.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
            let safePath = scheme == "unix" ? !path.contains("@") : numeric
            out += safePath ? String(path) : "/…"
        }
        if let query { out += "?" + query.split(separator: "&", omittingEmptySubsequences: false).map(Self.shownPair).joined(separator: "&") }
        if fragment != nil { out += "#…" }
        return out
    }

    private static func shownHostPort(_ text: Substring) -> String {
        var host = text
        var port: Substring?
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[...close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty { port = after.hasPrefix(":") ? after.dropFirst() : after }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        let hostLike = host.hasPrefix("[")
            ? host.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } && host.hasSuffix("]")
            : host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }
        var out = hostLike ? String(host) : "…"
        if let port { out += ":" + (port.allSatisfy { $0.isASCII && $0.isNumber } ? String(port) : "…") }
        return out
    }

    /// `name=value` with the value `…` (but a numeric `db`); a name neither gt nor redis-py
    /// reads is `…` too: it may be a password written in the wrong place.
    private static func shownPair(_ pair: Substring) -> String {
        guard let equals = pair.firstIndex(of: "="), let name = RedisURLQuery.formDecoded(pair[..<equals]),
              RedisURLQuery.read.contains(name) || RedisURLQuery.redisPyOptions.contains(name) else {
            return pair.isEmpty ? "" : "…"
        }
        let value = pair[pair.index(after: equals)...]
        if value.isEmpty { return name + "=" }
        return name + "=" + (name == "db" && value.allSatisfy { $0.isASCII && $0.isNumber } ? String(value) : "…")
    }
}
