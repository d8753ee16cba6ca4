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
///   the secret they hold must reach GlitchTip as written;
/// - `RedactedURL.display` shows no userinfo, query or path segment after the first, and
///   `RedactedURL.scrub` of a URL quoted alone shows none either.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzURL(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard size <= 4096 else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let once = normalizedWebhookURL(text)
    let twice = normalizedWebhookURL(once)
    if once != twice { fatalError("normalise is not idempotent: \(debug(text)) -> \(debug(once)) -> \(debug(twice))") }

    let view = GlitchTipURLView(text)
    let parts = URLParts(text)
    if let view, ["http", "https"].contains(parts.scheme.lowercased()), !parts.hostPort.isEmpty,
       let normalised = GlitchTipURLView(once), normalised.tail != view.tail {
        fatalError("normalise changed what follows the host: \(debug(text)) -> \(debug(once))")
    }
    let shown = RedactedURL.display(text)
    if let view, let secret = view.secrets.first(where: { shown.contains($0) }) {
        fatalError("display shows \(debug(secret)) of \(debug(text)): \(debug(shown))")
    }
    if let view, !text.contains(where: { $0.isWhitespace || "\"'<>`".contains($0) }) {
        let scrubbed = RedactedURL.scrub(text)
        if let secret = view.secrets.first(where: { scrubbed.contains($0) }) {
            fatalError("scrub shows \(debug(secret)) of \(debug(text)): \(debug(scrubbed))")
        }
    }
    return 0
}

/// `text` as a quoted Swift literal, so a trap message shows control characters.
private func debug(_ text: String) -> String { String(reflecting: text) }

/// A URL split as GlitchTip's parser (WHATWG URL rules, special schemes) splits it, as far as
/// the properties need: ASCII tab and newline removed, leading and trailing C0 and space
/// stripped, `\` a path separator like `/`, the authority ending at `/`, `\`, `?` or `#`.
struct GlitchTipURLView {
    /// The host (and port), lower-cased as the host is.
    let host: String
    /// Everything after the authority, percent-decoded, `/` for an empty path: what must reach
    /// GlitchTip unchanged.
    let tail: [UInt8]
    /// What display and scrub must never show: userinfo, query, and every path segment after
    /// the first (only those long enough that they cannot turn up by chance in the host).
    let secrets: [String]

    init?(_ raw: String) {
        var scalars = Array(raw.unicodeScalars).filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }
        while let first = scalars.first, first.value <= 0x20 { scalars.removeFirst() }
        while let last = scalars.last, last.value <= 0x20 { scalars.removeLast() }
        let text = String(String.UnicodeScalarView(scalars))
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let scheme = text[..<colon].lowercased()
        guard ["http", "https", "ws", "wss", "ftp"].contains(scheme) else { return nil }
        var rest = text[text.index(after: colon)...].drop { $0 == "/" || $0 == "\\" }
        let authorityEnd = rest.firstIndex { "/\\?#".contains($0) } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        rest = rest[authorityEnd...]
        var found: [String] = []
        if let at = authority.lastIndex(of: "@") { found.append(String(authority[..<at])) }
        host = authority.lastIndex(of: "@").map { String(authority[authority.index(after: $0)...]) } ?? String(authority)
        let beforeFragment = rest.firstIndex(of: "#").map { rest[..<$0] } ?? rest
        let path = beforeFragment.firstIndex(of: "?").map { beforeFragment[..<$0] } ?? beforeFragment
        if let mark = beforeFragment.firstIndex(of: "?") { found.append(String(beforeFragment[beforeFragment.index(after: mark)...])) }
        let segments = path.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }.dropFirst(2)
        found += segments.map(String.init)
        let tailText = rest.isEmpty || rest.first == "?" || rest.first == "#" ? "/" + rest : String(rest)
        tail = Self.percentDecoded(Array(tailText.replacing("\\", with: "/").utf8))
        let visible = host.lowercased()
        secrets = found.filter { $0.utf8.count >= 8 && !visible.contains($0.lowercased()) }
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
