import GTCommon
import Yams

/// YAML (App-Interface datafiles, secrets files) read into ``JSONValue``. Yams (libyaml) parses;
/// plain scalars are typed here by YAML 1.1's rules as PyYAML applies them (the loader
/// qontract uses): `2` is an integer, `'2'` a string, `null`/`~`/empty null, `yes`/`on`/`true`
/// booleans. Yams's own resolver does the same with regular expressions through Foundation,
/// which made it most of a warm gt-current run; this one compares characters.
public enum YAMLDocument {
    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func parse(_ text: String) throws -> JSONValue {
        let node: Node?
        // An explicit encoding: Yams's default reads the process environment on every call.
        do { node = try Yams.compose(yaml: text, .basic, .default, .utf8) } catch {
            throw ParseError(description: "invalid YAML: \(error)")
        }
        guard let node else { return .null }
        return try convert(node)
    }

    private static func convert(_ node: Node) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            return try typed(scalar, node)
        case .mapping(let mapping):
            var fields: [String: JSONValue] = [:]
            fields.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                guard case .scalar(let k) = key else { throw ParseError(description: "a mapping key is not a string\(location(key))") }
                guard fields[k.string] == nil else { throw ParseError(description: "duplicate key '\(k.string)'\(location(key))") }
                fields[k.string] = try convert(value)
            }
            return .object(fields)
        case .sequence(let sequence):
            return .array(try sequence.map(convert))
        case .alias:
            throw ParseError(description: "YAML aliases are not supported\(location(node))")
        }
    }

    private static func typed(_ scalar: Node.Scalar, _ node: Node) throws -> JSONValue {
        let text = scalar.string
        switch scalar.tag.rawValue {
        case Tag.Name.str.rawValue: return .string(text)
        case Tag.Name.int.rawValue:
            guard let i = YAMLScalar.integer(text) else { throw ParseError(description: "not an integer: \(text)\(location(node))") }
            return .int(i)
        case Tag.Name.bool.rawValue:
            guard let b = YAMLScalar.boolean(text) else { throw ParseError(description: "not a boolean: \(text)\(location(node))") }
            return .bool(b)
        case Tag.Name.null.rawValue: return .null
        case Tag.Name.float.rawValue:
            guard let d = YAMLScalar.real(text) ?? YAMLScalar.integer(text).map(Double.init) else {
                throw ParseError(description: "not a number: \(text)\(location(node))")
            }
            return .double(d)
        default: break
        }
        guard scalar.style == .plain else { return .string(text) }
        if YAMLScalar.isNull(text) { return .null }
        if let b = YAMLScalar.boolean(text) { return .bool(b) }
        if YAMLScalar.looksLikeInteger(text) {
            guard let i = YAMLScalar.integer(text) else { throw ParseError(description: "integer out of range: \(text)\(location(node))") }
            return .int(i)
        }
        if let d = YAMLScalar.real(text) { return .double(d) }
        return .string(text)
    }

    private static func location(_ node: Node) -> String {
        node.mark.map { " (line \($0.line), column \($0.column))" } ?? ""
    }
}

/// YAML 1.1 plain-scalar resolution (PyYAML's implicit resolvers), without regular expressions.
enum YAMLScalar {
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
