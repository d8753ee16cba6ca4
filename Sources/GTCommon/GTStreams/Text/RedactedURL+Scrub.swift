extension RedactedURL {
    /// `text` (a body a server sent back, a parser's message quoting its input) with everything
    /// URL-like in it redacted as ``display(_:)`` does: `scheme:` followed by `/` or `\`, and
    /// `http:`/`https:` followed by anything (GlitchTip reads `https:host/…` as a URL), anywhere
    /// in a word; percent-encoded (`https%3A%2F%2F…`, `https%3A%5C…`); and `host.example/path`
    /// or `host.example\path` without a scheme. A 400 or 422 body may repeat the webhook URL
    /// that was sent, secret included.
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
        if let start = urlStart(in: word) {
            return String(word[..<start]) + display(String(word[start...]))
        }
        if let encoded = percentEncodedSchemeEnd(word) {
            return String(word[..<encoded]) + "…"
        }
        if let slash = word.firstIndex(where: { $0 == "/" || $0 == "\\" }), looksLikeHost(word[..<slash]) {
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

    /// Where the first URL in `word` starts: the run of scheme characters (from a letter) right
    /// before a `:` followed by `/` or `\`, or by anything after `http`/`https`. What precedes
    /// it (`(`, `url=`) is kept as it is.
    private static func urlStart(in word: String) -> String.Index? {
        var from = word.startIndex
        while let colon = word[from...].firstIndex(of: ":") {
            let start = schemeRun(before: colon, in: word)
            let next = word.index(after: colon)
            if start < colon, next < word.endIndex,
               word[next] == "/" || word[next] == "\\" || URLParts.isSpecial(word[start..<colon]) {
                return start
            }
            from = next
        }
        return nil
    }

    /// The start of the scheme ending at `end`: the longest run of `A-Z a-z 0-9 + - .` before
    /// it, from its first letter (`end` itself when there is none).
    private static func schemeRun(before end: String.Index, in word: String) -> String.Index {
        var start = end
        while start > word.startIndex {
            let before = word.index(before: start)
            guard word[before].isASCII, word[before].isLetter || word[before].isNumber || "+-.".contains(word[before]) else { break }
            start = before
        }
        while start < end, !word[start].isLetter { start = word.index(after: start) }
        return start
    }

    /// Just past the first `%3A` (`:` percent-encoded, either case) in `word` that starts a URL:
    /// followed by `%2F` or `%5C` (`/`, `\`), or right after `http`/`https`.
    private static func percentEncodedSchemeEnd(_ word: String) -> String.Index? {
        let bytes = Array(word.utf8)
        func upper(_ byte: UInt8) -> UInt8 { byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte }
        func matches(_ pattern: String, at offset: Int) -> Bool {
            let pattern = Array(pattern.utf8)
            return offset >= 0 && offset + pattern.count <= bytes.count && (0..<pattern.count).allSatisfy { upper(bytes[offset + $0]) == pattern[$0] }
        }
        for offset in bytes.indices where matches("%3A", at: offset) {
            let afterHTTP = matches("HTTP", at: offset - 4) || matches("HTTPS", at: offset - 5)
            if afterHTTP || matches("%2F", at: offset + 3) || matches("%5C", at: offset + 3) {
                return word.utf8.index(word.utf8.startIndex, offsetBy: offset + 3)
            }
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
