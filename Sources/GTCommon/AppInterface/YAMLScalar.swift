import GTStreams

/// YAML 1.1 scalar resolution (PyYAML's implicit resolvers), without regular expressions.
enum YAMLScalar {
    static let tagPrefix = "tag:yaml.org,2002:"

    static func value(_ text: String, tag: String?, plain: Bool) throws -> JSONValue {
        if let tag, tag != "!" {
            switch tag {
            case tagPrefix + "str": return .string(text)
            case tagPrefix + "null": return .null
            case tagPrefix + "bool":
                guard let b = boolean(text) else { throw YAMLDocument.ParseError(description: "not a boolean: \(text)") }
                return .bool(b)
            case tagPrefix + "int":
                guard let i = integer(text) else { throw YAMLDocument.ParseError(description: "not an integer: \(text)") }
                return .int(i)
            case tagPrefix + "float":
                guard let d = real(text) ?? integer(text).map(Double.init) else {
                    throw YAMLDocument.ParseError(description: "not a number: \(text)")
                }
                return .double(d)
            default: return .string(text)
            }
        }
        guard plain else { return .string(text) }
        // Most plain scalars are names and URLs: a first character no null, boolean or number
        // can start with settles it without further checks.
        guard let first = text.utf8.first else { return .null }
        guard mayBeTyped(first) else { return .string(text) }
        if isNull(text) { return .null }
        if let b = boolean(text) { return .bool(b) }
        if looksLikeInteger(text) {
            guard let i = integer(text) else { throw YAMLDocument.ParseError(description: "integer out of range: \(text)") }
            return .int(i)
        }
        if let d = real(text) { return .double(d) }
        return .string(text)
    }

    private static let typedStarts = Set("0123456789+-.~nNtTfFyYoO".utf8)

    static func mayBeTyped(_ first: UInt8) -> Bool { typedStarts.contains(first) }

    static func isNull(_ s: String) -> Bool { s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL" }

    static func boolean(_ s: String) -> Bool? {
        switch s {
        case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": true
        case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": false
        default: nil
        }
    }

    /// `[-+]?(0b[01_]+ | 0x[0-9a-fA-F_]+ | 0[0-7_]+ | 0 | [1-9][0-9_]*)`.
    static func looksLikeInteger(_ s: String) -> Bool {
        var body = Substring(s)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        guard let first = body.first else { return false }
        if body.hasPrefix("0b") { return body.count > 2 && body.dropFirst(2).allSatisfy { "01_".contains($0) } }
        if body.hasPrefix("0x") { return body.count > 2 && body.dropFirst(2).allSatisfy { $0.isHexDigit || $0 == "_" } }
        if first == "0" { return body.dropFirst().allSatisfy { ("0"..."7").contains($0) || $0 == "_" } }
        return ("1"..."9").contains(first) && body.dropFirst().allSatisfy { $0.isASCII && $0.isNumber || $0 == "_" }
    }

    static func integer(_ s: String) -> Int64? {
        guard looksLikeInteger(s) else { return nil }
        var body = Substring(s.filter { $0 != "_" })
        var negative = false
        if body.first == "-" || body.first == "+" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        let magnitude: Int64?
        if body.hasPrefix("0b") { magnitude = Int64(body.dropFirst(2), radix: 2) }
        else if body.hasPrefix("0x") { magnitude = Int64(body.dropFirst(2), radix: 16) }
        else if body.count > 1 && body.first == "0" { magnitude = Int64(body.dropFirst(), radix: 8) }
        else { magnitude = Int64(body, radix: 10) }
        guard let magnitude else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// `[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?`, `.inf`, `.nan` (a dot is required).
    static func real(_ s: String) -> Double? {
        switch s {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        guard s.utf8.contains(UInt8(ascii: ".")) else { return nil }
        var body = Substring(s)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        guard let dot = body.firstIndex(of: "."), body[..<dot].allSatisfy({ $0.isASCII && $0.isNumber || $0 == "_" }),
              body[..<dot].first != "_"
        else { return nil }
        var rest = body[body.index(after: dot)...]
        if let e = rest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            let exponent = rest[rest.index(after: e)...]
            guard let sign = exponent.first, sign == "+" || sign == "-", exponent.count > 1,
                  exponent.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber })
            else { return nil }
            rest = rest[..<e]
        }
        guard rest.allSatisfy({ $0.isASCII && $0.isNumber || $0 == "_" }) else { return nil }
        return Double(s.filter { $0 != "_" })
    }
}
