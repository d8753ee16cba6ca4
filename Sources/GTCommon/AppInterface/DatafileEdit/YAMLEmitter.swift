/// Block-style YAML for values added to a datafile, written so that YAML 1.1 readers (PyYAML,
/// which qontract-server's bundle is built with, and libyaml, which gt reads with) give back
/// exactly the value written: strings stay strings (`yes`, `1e3`, `12:30`, `null` are quoted),
/// and no string spans lines.
public enum YAMLEmitter {
    /// The lines (without line endings) of one sequence item, its dash at `indent` spaces.
    /// A mapping's first entry shares the dash's line, the rest align under it; a list under a
    /// key has its dashes at the key's column, as App-Interface's datafiles write them.
    public static func sequenceItem(_ node: YAMLNode, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        switch node {
        case .string, .int, .list([]), .map([]):
            return [pad + "- " + inline(node)]
        case .map(let entries):
            return dashed(mapping(entries, indent: indent + 2), indent: indent)
        case .list(let items):
            return dashed(items.flatMap { sequenceItem($0, indent: indent + 2) }, indent: indent)
        }
    }

    /// The lines of a block mapping's entries at `indent` spaces.
    static func mapping(_ entries: [YAMLNode.Entry], indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        return entries.flatMap { entry -> [String] in
            let key = pad + scalar(entry.key) + ":"
            switch entry.value {
            case .string, .int, .list([]), .map([]):
                return [key + " " + inline(entry.value)]
            case .map(let inner):
                return [key] + mapping(inner, indent: indent + 2)
            case .list(let items):
                return [key] + items.flatMap { sequenceItem($0, indent: indent) }
            }
        }
    }

    /// Nested lines whose first one starts at `indent + 2`, given the dash at `indent`.
    private static func dashed(_ lines: [String], indent: Int) -> [String] {
        guard let first = lines.first else { return [] }
        return [String(repeating: " ", count: indent) + "- " + first.dropFirst(indent + 2)] + lines.dropFirst()
    }

    /// A value written on its key's or dash's line.
    private static func inline(_ node: YAMLNode) -> String {
        switch node {
        case .string(let s): scalar(s)
        case .int(let i): String(i)
        case .list: "[]"
        case .map: "{}"
        }
    }

    /// `s` plain when a YAML 1.1 reader reads it back as the same string, else double-quoted.
    public static func scalar(_ s: String) -> String {
        YAMLPlainScalar.isSafe(s) ? s : doubleQuoted(s)
    }

    /// A double-quoted scalar on one line. Escaped: the quote, the backslash, every character
    /// YAML counts as a line break (CR, LF, NEL, U+2028, U+2029) and every one PyYAML's reader
    /// refuses raw (controls, U+FEFF, U+FFFE, U+FFFF); all else is written as is.
    public static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if YAMLPlainScalar.needsEscape(scalar) {
                    out += scalar.value < 0x100 ? "\\x" + hex(scalar.value, width: 2) : "\\u" + hex(scalar.value, width: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
