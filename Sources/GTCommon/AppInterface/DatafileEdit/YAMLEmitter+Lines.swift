extension YAMLEmitter {
    /// Top-level `key: value` lines of a block mapping (a new datafile's fields).
    public static func mappingEntries(_ entries: [YAMLNode.Entry]) -> [String] { mapping(entries, indent: 0) }

    /// `text` as it may follow a `#` on one line: every line break and control character (what
    /// would end the comment or be refused by a reader) becomes `?`.
    public static func inlineComment(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\r" || YAMLPlainScalar.needsEscape(scalar) || scalar == "\u{85}" || scalar == "\u{2028}"
                || scalar == "\u{2029}" || scalar == "\t" {
                out += "?"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
