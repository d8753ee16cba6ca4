/// When a string may be written as a plain (unquoted) YAML scalar. The rule is deliberately
/// narrower than YAML's: a string is plain only when no YAML 1.1 reader can take it for
/// anything else, so the few odd names that are not (`5xx`, `- x`, `a: b`) are quoted.
enum YAMLPlainScalar {
    /// First characters that are YAML indicators, or that start a number, a date, a
    /// sexagesimal (`12:30`), a null (`~`), a merge key (`<<`) or PyYAML's value key (`=`).
    private static let quotedStarts = Set("-?:,[]{}#&*!|>'\"%@`=<~+.0123456789".unicodeScalars)

    static func isSafe(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last,
              !quotedStarts.contains(first), first != " ", last != " ", last != ":"
        else { return false }
        var previous: Unicode.Scalar = " "
        for scalar in s.unicodeScalars {
            if scalar == "\t" || needsEscape(scalar) || scalar == "\n" || scalar == "\r" { return false }
            // `: ` starts a value and ` #` a comment, anywhere in a plain scalar.
            if (previous == ":" && scalar == " ") || (previous == " " && scalar == "#") { return false }
            previous = scalar
        }
        // Words YAML 1.1 reads as null or booleans (`yes`, `Off`, `NULL`).
        if case .string(let read)? = try? YAMLScalar.value(s, tag: nil, plain: true), read == s { return true }
        return false
    }

    /// Characters a YAML reader takes as line breaks, or that PyYAML refuses to read raw.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF: true
        default: false
        }
    }
}
