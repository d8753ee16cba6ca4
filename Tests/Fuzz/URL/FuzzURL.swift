import GTStreams

/// libFuzzer target `url` (scripts/fuzz url SECONDS): webhook URL normalisation and redaction
/// (docs/rules.md, "Webhook URLs"; docs/streams.md, "Redaction"). Every input is a URL as a team
/// might write it; the properties are checked against the URL as GlitchTip reads it
/// (``GlitchTipURLView``), not as gt's own parser splits it, since that is what gets stored and
/// what a secret is part of.
///
/// - no crash or hang;
/// - normalising is idempotent: normalise(normalise(x)) == normalise(x);
/// - normalising changes neither the path, the query nor the fragment (up to percent-encoding):
///   the secret they hold must reach GlitchTip as written; and it never makes a URL GlitchTip
///   would refuse into one it reads;
/// - `RedactedURL.display` shows no userinfo, query or path segment after the first, and
///   `RedactedURL.scrub` of a URL quoted alone shows none either.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzURL(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard size <= 4096 else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var broken: [String] = []
    let view = GlitchTipURLView(text)
    // A refused URL is never stored: only what normalising accepts must keep the properties.
    if let once = try? normalizedWebhookURL(text) {
        let twice = try? normalizedWebhookURL(once)
        if once != twice { broken.append("normalise is not idempotent: \(debug(once)) -> \(debug(twice ?? "refused"))") }
        let parts = URLParts(text)
        if let view, ["http", "https"].contains(parts.scheme.lowercased()), !parts.hostPort.isEmpty,
           let normalised = GlitchTipURLView(once), normalised.tail != view.tail {
            broken.append("normalise changed what follows the host: \(debug(once))")
        }
        if view == nil, once != text, GlitchTipURLView(once) != nil {
            broken.append("normalise made a URL GlitchTip would refuse into one it reads: \(debug(once))")
        }
    }
    let shown = RedactedURL.display(text)
    if let view, let secret = view.secrets.first(where: { bytes(shown, contain: $0) }) {
        broken.append("display shows \(debug(secret)): \(debug(shown))")
    }
    if let view, !text.contains(where: { $0.isWhitespace || "\"'<>`".contains($0) }) {
        let scrubbed = RedactedURL.scrub(text)
        if let secret = view.secrets.first(where: { bytes(scrubbed, contain: $0) }) {
            broken.append("scrub shows \(debug(secret)): \(debug(scrubbed))")
        }
    }
    if !broken.isEmpty { fatalError("\(debug(text)): " + broken.joined(separator: "; ")) }
    return 0
}

/// `text` as a quoted Swift literal, so a trap message shows control characters.
private func debug(_ text: String) -> String { String(reflecting: text) }

/// Whether `needle`'s UTF-8 occurs in `haystack`'s: Swift's own `contains` compares Characters,
/// and a combining mark before the secret would hide it.
private func bytes(_ haystack: String, contain needle: String) -> Bool {
    let hay = Array(haystack.utf8), pin = Array(needle.utf8)
    guard !pin.isEmpty, pin.count <= hay.count else { return pin.isEmpty }
    return (0...(hay.count - pin.count)).contains { start in hay[start..<(start + pin.count)].elementsEqual(pin) }
}

/// A URL split as GlitchTip's parser (WHATWG URL rules, special schemes) splits it, as far as
/// the properties need: ASCII tab and newline removed, leading and trailing C0 and space
/// stripped, `\` a path separator like `/`, the authority ending at `/`, `\`, `?` or `#`; nil
/// for what is not an http(s) URL with a plain host name.
struct GlitchTipURLView {
    /// The host (and port), lower-cased as the host is.
    let host: String
    /// Everything after the authority, dot segments resolved, percent-decoded, `/` for an empty
    /// path: what must reach GlitchTip unchanged.
    let tail: [UInt8]
    /// What display and scrub must never show: userinfo, query, and every path segment after
    /// the first (only those long enough that they cannot turn up by chance in the host).
    let secrets: [String]

    init?(_ raw: String) {
        // Code points, not Characters: `/` followed by a combining mark is one Character in Swift,
        // and still a `/` to GlitchTip's parser.
        var scalars = Array(raw.unicodeScalars).filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }
        while let first = scalars.first, first.value <= 0x20 { scalars.removeFirst() }
        while let last = scalars.last, last.value <= 0x20 { scalars.removeLast() }
        func text(_ part: ArraySlice<Unicode.Scalar>) -> String { String(String.UnicodeScalarView(part)) }
        func isSlash(_ s: Unicode.Scalar) -> Bool { s == "/" || s == "\\" }
        guard let colon = scalars.firstIndex(of: ":") else { return nil }
        let scheme = text(scalars[..<colon]).lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var rest = scalars[(colon + 1)...].drop(while: isSlash)
        let authorityEnd = rest.firstIndex { isSlash($0) || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        rest = rest[authorityEnd...]
        var found: [String] = []
        if let at = authority.lastIndex(of: "@") { found.append(text(authority[..<at])) }
        let hostPort = authority.lastIndex(of: "@").map { authority[($0 + 1)...] } ?? authority
        // A host GlitchTip's parser reads as a plain name: ASCII letters, digits, `-`, `.` and
        // percent-escapes, and a port. Anything else it refuses or rewrites (IDNA, IPv6), and gt
        // refuses it too; such a URL is stored nowhere, so there is no secret to keep.
        let colonAt = hostPort.firstIndex(of: ":") ?? hostPort.endIndex
        let name = hostPort[..<colonAt], port = hostPort[colonAt...].dropFirst()
        guard !name.isEmpty, name.allSatisfy(Self.isHostByte), port.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        host = text(hostPort)
        let beforeFragment = rest.firstIndex(of: "#").map { rest[..<$0] } ?? rest
        let path = beforeFragment.firstIndex(of: "?").map { beforeFragment[..<$0] } ?? beforeFragment
        if let mark = beforeFragment.firstIndex(of: "?") { found.append(text(beforeFragment[(mark + 1)...])) }
        let segments = path.split(omittingEmptySubsequences: false, whereSeparator: isSlash).map(text)
        found += segments.dropFirst(2)
        let afterPath = text(rest[path.endIndex...])
        tail = Self.percentDecoded(Array((Self.withoutDotSegments(Array(segments.dropFirst())) + afterPath).utf8))
        // What display may show: the host and the first path segment. A secret that is part of
        // either (a later segment repeating the first) cannot be told apart there.
        let visible = host.lowercased() + "/" + (segments.dropFirst().first?.lowercased() ?? "")
        secrets = found.filter { $0.utf8.count >= 8 && !bytes(visible, contain: $0.lowercased()) }
    }

    static func isHostByte(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s) || s == "-" || s == "." || s == "%"
    }

    /// The path from its segments (after the leading `/`) with `.` and `..` resolved, as WHATWG
    /// (and RFC 3986) resolve them; `/` for none.
    static func withoutDotSegments(_ segments: [String]) -> String {
        var out: [String] = []
        for (index, segment) in segments.enumerated() {
            let last = index == segments.count - 1
            switch segment.lowercased() {
            case ".", "%2e":
                if last { out.append("") }
            case "..", ".%2e", "%2e.", "%2e%2e":
                if !out.isEmpty { out.removeLast() }
                if last { out.append("") }
            default:
                out.append(segment)
            }
        }
        return "/" + out.joined(separator: "/")
    }

    /// `%XX` decoded; anything else as it is.
    static func percentDecoded(_ bytes: [UInt8]) -> [UInt8] {
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: b - 0x30
            case 0x41...0x46: b - 0x37
            case 0x61...0x66: b - 0x57
            default: nil
            }
        }
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x25, i + 2 < bytes.count, let high = hex(bytes[i + 1]), let low = hex(bytes[i + 2]) {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }
}
