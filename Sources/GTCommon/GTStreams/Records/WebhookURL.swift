/// Webhook URLs the way GlitchTip stores them (docs/rules.md, "Webhook URLs"). GlitchTip reads a
/// recipient URL with pydantic's `HttpUrl`, i.e. the WHATWG URL parser of the Rust `url` crate,
/// and stores what it serialises; gt-desired writes the same form, so a correct alert never
/// shows as changed and a URL is never sent in a form GlitchTip would read otherwise.
///
/// Reproduced exactly, as WHATWG's "basic URL parser" does for the special schemes http and
/// https: leading and trailing C0 controls and spaces stripped, tabs and newlines removed, `\`
/// read as `/`, any number of slashes after the scheme, userinfo split at the last `@`, scheme
/// and host lower-cased (ASCII) and nothing else, the default port dropped (`:0443` too), dot
/// segments (`.`, `..`, `%2e`) resolved, `/` for an empty path, and each component
/// percent-encoded with its WHATWG encode set. Refused, with the reason, is every URL GlitchTip
/// would refuse and every one whose host gt does not reproduce: an IPv6 address, an
/// internationalised name (non-ASCII or `xn--`), an IPv4 address written otherwise than
/// `a.b.c.d`, a host character beyond letters, digits, `-`, `_`, `.`, an empty label.
///
/// The entry point of the fuzz target "webhook URL normalisation": total on any `String`,
/// returns or throws, never traps.
public func normalizedWebhookURL(_ url: String) throws(WebhookURLRefusal) -> String {
    if WebhookURLParser.isPlainNormalForm(url) { return url }
    return try WebhookURLParser(url).normalized()
}

/// Why a webhook URL is not sent. `reason` completes "a webhook URL cannot be used: …" and never
/// quotes the URL, which may come from a secret.
public struct WebhookURLRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}

/// One pass over the URL's Unicode scalars, in the order of WHATWG's states.
struct WebhookURLParser {
    /// pydantic's `HttpUrl` limit, counted on the URL as written (before anything is stripped).
    static let maxLength = 2083

    private let scalars: [Unicode.Scalar]

    /// Refuses a URL over ``maxLength`` before reading it further; then WHATWG's first steps:
    /// strip leading and trailing C0 control or space, remove every tab and newline.
    init(_ url: String) throws(WebhookURLRefusal) {
        let writtenLength = url.unicodeScalars.count
        guard writtenLength <= Self.maxLength else {
            throw WebhookURLRefusal("it is \(writtenLength) characters long as written; GlitchTip's URL parser takes at most \(Self.maxLength)")
        }
        var all = Array(url.unicodeScalars)
        while let last = all.last, last.value <= 0x20 { all.removeLast() }
        let start = all.firstIndex { $0.value > 0x20 } ?? all.endIndex
        scalars = all[start...].filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }
    }

    func normalized() throws(WebhookURLRefusal) -> String {
        var index = 0
        let scheme = try readScheme(&index)
        while index < scalars.count, isSlash(scalars[index]) { index += 1 }

        let authorityEnd = scalars[index...].firstIndex { isSlash($0) || $0 == "?" || $0 == "#" } ?? scalars.count
        let authority = scalars[index..<authorityEnd]
        var hostAndPort = authority
        var userinfo = ""
        if let at = authority.lastIndex(of: "@") {
            userinfo = Self.userinfo(authority[..<at])
            hostAndPort = authority[(at + 1)...]
        }
        guard !hostAndPort.contains("["), !hostAndPort.contains("]") else {
            throw WebhookURLRefusal("its host is an IPv6 address (or has a bracket): gt does not reproduce how GlitchTip stores one")
        }
        let colon = hostAndPort.firstIndex(of: ":")
        let host = try WebhookURLHost.parse(hostAndPort[..<(colon ?? hostAndPort.endIndex)])
        var port: Int?
        if let colon { port = try Self.port(hostAndPort[(colon + 1)...], scheme: scheme) }

        var rest = scalars[authorityEnd...]
        var fragment: String?
        if let hash = rest.firstIndex(of: "#") {
            fragment = encode(rest[(hash + 1)...], extra: "\"<>`")
            rest = rest[..<hash]
        }
        var query: String?
        if let mark = rest.firstIndex(of: "?") {
            query = encode(rest[(mark + 1)...], extra: "\"#<>'")
            rest = rest[..<mark]
        }

        var out = scheme + "://" + userinfo + host + (port.map { ":\($0)" } ?? "") + Self.path(rest)
        if let query { out += "?" + query }
        if let fragment { out += "#" + fragment }
        return out
    }

    /// Whether `url` is, byte for byte, what ``normalized()`` would make of it, checked without
    /// parsing (every webhook of every desired alert passes here, in gt-desired and in gt-diff):
    /// `https://` or `http://`, a host of lower-case letters, digits, `-`, `_` in non-empty
    /// labels (none `xn--`, the last not a number: WHATWG would read an IPv4 address), no user
    /// info or port, a path, and after the host only printable ASCII that no encode set holds,
    /// with no `.` segment and no `%2e`. Anything else takes the full parser; the tests hold
    /// both to pydantic's answers.
    static func isPlainNormalForm(_ url: String) -> Bool {
        var url = url
        return url.withUTF8 { bytes in
            guard bytes.count <= maxLength else { return false }
            let start = bytes.starts(with: "https://".utf8) ? 8 : bytes.starts(with: "http://".utf8) ? 7 : 0
            guard start > 0 else { return false }
            var index = start
            var labelStart = start
            // The host: plain labels up to the path's `/`.
            while index < bytes.count, bytes[index] != UInt8(ascii: "/") {
                let byte = bytes[index]
                if byte == UInt8(ascii: ".") {
                    guard isPlainLabel(bytes[labelStart..<index]) else { return false }
                    labelStart = index + 1
                } else if !isHostByte(byte) {
                    return false
                }
                index += 1
            }
            let last = bytes[labelStart..<index]
            guard index < bytes.count, isPlainLabel(last), !last.allSatisfy(isDigit), !last.starts(with: "0x".utf8) else { return false }
            // The rest: nothing any encode set holds, no `.` segment, no `%2e`.
            var inPath = true
            while index < bytes.count {
                let byte = bytes[index]
                guard byte > 0x20, byte < 0x7F, !encodedAnywhere[Int(byte)] else { return false }
                if byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { inPath = false }
                if inPath, byte == UInt8(ascii: "."), bytes[index - 1] == UInt8(ascii: "/") { return false }
                if byte == UInt8(ascii: "%"), index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "2"), bytes[index + 2] | 0x20 == UInt8(ascii: "e") {
                    return false
                }
                index += 1
            }
            return true
        }
    }

    /// `\ " < > ` { } '`: the printable bytes one of the path, query or fragment sets encodes
    /// (or, `\`, reads as `/`).
    private static let encodedAnywhere: [Bool] = (0..<128).map { "\\\"<>`{}'".utf8.contains(UInt8($0)) }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isHostByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }

    /// Non-empty and not `xn--` (the host bytes are checked as they are read).
    private static func isPlainLabel(_ label: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        !label.isEmpty && !label.starts(with: "xn--".utf8)
    }

    /// `http` or `https`, lower-cased; `index` moves past the `:`.
    private func readScheme(_ index: inout Int) throws(WebhookURLRefusal) -> String {
        let notAbsolute = WebhookURLRefusal("it is not an absolute http:// or https:// URL")
        guard let first = scalars.first, isASCIILetter(first) else { throw notAbsolute }
        var end = 1
        while end < scalars.count, isASCIILetter(scalars[end]) || ("0"..."9").contains(scalars[end]) || "+-.".unicodeScalars.contains(scalars[end]) {
            end += 1
        }
        guard end < scalars.count, scalars[end] == ":" else { throw notAbsolute }
        let scheme = String(String.UnicodeScalarView(scalars[..<end])).lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw WebhookURLRefusal("its scheme is not http or https (GlitchTip takes no other)")
        }
        index = end + 1
        return scheme
    }

    /// `user:password@` as serialised: split at the first `:`, each part encoded with the
    /// userinfo set, and nothing at all when both are empty.
    private static func userinfo(_ text: ArraySlice<Unicode.Scalar>) -> String {
        let colon = text.firstIndex(of: ":")
        let user = encode(text[..<(colon ?? text.endIndex)], extra: userinfoSet)
        let password = colon.map { encode(text[($0 + 1)...], extra: userinfoSet) } ?? ""
        if user.isEmpty && password.isEmpty { return "" }
        return user + (password.isEmpty ? "" : ":" + password) + "@"
    }

    /// The port as stored: nil when empty or the scheme's default (leading zeros allowed, as
    /// WHATWG reads the digits as a number).
    private static func port(_ text: ArraySlice<Unicode.Scalar>, scheme: String) throws(WebhookURLRefusal) -> Int? {
        var value = 0
        for scalar in text {
            guard ("0"..."9").contains(scalar) else { throw WebhookURLRefusal("its port is not a number") }
            value = value * 10 + Int(scalar.value - 0x30)
            guard value <= 65535 else { throw WebhookURLRefusal("its port is above 65535") }
        }
        if text.isEmpty || value == (scheme == "https" ? 443 : 80) { return nil }
        return value
    }

    /// The path of a special URL: `/` and `\` separate segments, `.` and `..` (also written
    /// `%2e`) are resolved, each segment encoded with the path set; at least `/`.
    private static func path(_ text: ArraySlice<Unicode.Scalar>) -> String {
        var segments: [String] = []
        var index = text.startIndex
        if index < text.endIndex, isSlash(text[index]) { index += 1 }
        var segmentStart = index
        while true {
            let atEnd = index == text.endIndex
            if atEnd || isSlash(text[index]) {
                let segment = encode(text[segmentStart..<index], extra: "\"#<>?`{}")
                let lowered = segment.lowercased()
                if ["..", ".%2e", "%2e.", "%2e%2e"].contains(lowered) {
                    if !segments.isEmpty { segments.removeLast() }
                    if atEnd { segments.append("") }
                } else if lowered == "." || lowered == "%2e" {
                    if atEnd { segments.append("") }
                } else {
                    segments.append(segment)
                }
                if atEnd { break }
                segmentStart = index + 1
            }
            index += 1
        }
        return "/" + segments.joined(separator: "/")
    }

    private static let userinfoSet = "\"#<>?`{}/:;=@[\\]^|"
}

/// WHATWG's encode sets: C0 controls, space, everything above `~` (as UTF-8 bytes), and `extra`.
private func encode(_ scalars: ArraySlice<Unicode.Scalar>, extra: String) -> String {
    let text = String(String.UnicodeScalarView(scalars))
    return PercentEncoding.encode(text, keeping: { byte in byte > 0x20 && byte < 0x7F && !extra.utf8.contains(byte) })
}

private func isSlash(_ scalar: Unicode.Scalar) -> Bool { scalar == "/" || scalar == "\\" }

private func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
