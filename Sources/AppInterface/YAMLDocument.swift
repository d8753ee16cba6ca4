import CLibYAML
import GTCommon

/// YAML (App-Interface datafiles, secrets files) read into ``JSONValue`` with libyaml, the
/// parser under PyYAML (qontract's loader) and Yams. libyaml's events are built straight into
/// values: going through Yams's node tree (hashed for its duplicate-key check, tags resolved by
/// regular expressions) cost more than the whole rest of a warm gt-current run.
///
/// Plain scalars are typed by YAML 1.1's rules as PyYAML applies them: `2` is an integer, `'2'`
/// a string, `null`/`~`/empty null, `yes`/`on`/`true` booleans. Anchors and aliases work;
/// merge keys (`<<`) are kept as ordinary keys; a duplicate key is an error.
///
/// Hostile input is refused before it can hurt (docs/architecture.md, "YAML limits"): nesting
/// deeper than ``maxDepth`` (deep `[[[…` overflowed the stack of every tool, and libyaml's time
/// grows with the square of the depth), and aliases that expand to more than
/// ``maxAliasNodes`` nodes (an alias bomb is small on disk and exponential once walked).
public enum YAMLDocument {
    /// Collections nested in one another, aliases expanded. App-Interface datafiles nest about
    /// ten deep.
    public static let maxDepth = 100
    /// Nodes that aliases may add to one document, counted as if every alias were a copy.
    public static let maxAliasNodes = 100_000

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    /// A document refused by ``maxDepth`` or ``maxAliasNodes``. Its message shows no text of the
    /// input (only a position), so it may be shown even for a secrets file.
    public struct LimitExceeded: Error, CustomStringConvertible {
        public let description: String
    }

    public static func parse(_ text: String) throws -> JSONValue {
        var bytes = Array(text.utf8)
        return try parse(bytes: &bytes)
    }

    /// Parses the first document of `bytes` (an empty input is `null`).
    public static func parse(bytes: inout [UInt8]) throws -> JSONValue {
        var builder = YAMLTreeBuilder(try YAMLEventParser(&bytes))
        return try builder.document()
    }
}

/// Owns a libyaml parser over a byte buffer; `deinit` frees it. The buffer must outlive it
/// (libyaml reads it in place): ``YAMLDocument/parse(bytes:)`` keeps both in one scope.
final class YAMLEventParser {
    private var parser = yaml_parser_t()
    private var buffer: UnsafeMutableBufferPointer<UInt8>

    init(_ bytes: inout [UInt8]) throws {
        buffer = .allocate(capacity: max(1, bytes.count))
        _ = buffer.initialize(from: bytes)
        guard yaml_parser_initialize(&parser) == 1 else {
            buffer.deallocate()
            throw YAMLDocument.ParseError(description: "cannot initialise the YAML parser")
        }
        yaml_parser_set_input_string(&parser, buffer.baseAddress, bytes.count)
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
    }

    deinit {
        yaml_parser_delete(&parser)
        buffer.deallocate()
    }

    /// The next event, handed to `body` and freed after it.
    func next<T>(_ body: (inout yaml_event_t) throws -> T) throws -> T {
        var event = yaml_event_t()
        guard yaml_parser_parse(&parser, &event) == 1 else {
            let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
            let context = parser.context.map { String(cString: $0) + " " } ?? ""
            throw YAMLDocument.ParseError(description: "invalid YAML: \(context)\(problem) "
                + "(line \(parser.problem_mark.line + 1), column \(parser.problem_mark.column + 1))")
        }
        defer { yaml_event_delete(&event) }
        return try body(&event)
    }
}

/// Builds one document from the event stream, counting as it goes what the limits of
/// ``YAMLDocument`` bound: the depth of every value (an alias's value counts at the depth it is
/// used) and the nodes aliases add.
struct YAMLTreeBuilder {
    let parser: YAMLEventParser
    private let maxDepth: Int
    private let maxAliasNodes: Int
    private var anchors: [String: Built] = [:]
    /// Collections open around the node being read.
    private var depth = 0
    private var aliasNodes = 0

    init(_ parser: YAMLEventParser, maxDepth: Int = YAMLDocument.maxDepth, maxAliasNodes: Int = YAMLDocument.maxAliasNodes) {
        self.parser = parser
        self.maxDepth = maxDepth
        self.maxAliasNodes = maxAliasNodes
    }

    /// A value with what the limits need: how many nodes it holds (aliases expanded) and how
    /// many collections deep it goes (a scalar: 0).
    private struct Built {
        var value: JSONValue
        var nodes: Int
        var height: Int
    }

    private struct Mark {
        var line: Int
        var column: Int
        var text: String { "line \(line), column \(column)" }
    }

    private enum Step {
        case value(JSONValue, anchor: String?)
        case alias(String, Mark)
        case startMapping(anchor: String?, Mark)
        case startSequence(anchor: String?, Mark)
        case end
        case streamEnd
        case skip
    }

    /// The first document's root; `null` for an empty stream.
    mutating func document() throws -> JSONValue {
        try node(atStreamEnd: .null)?.value ?? .null
    }

    private mutating func remember(_ anchor: String?, _ built: Built) {
        if let anchor { anchors[anchor] = built }
    }

    /// The next node, or nil at the end of the enclosing collection. The end of the stream
    /// gives `atStreamEnd`, or is an error inside a collection.
    private mutating func node(atStreamEnd: JSONValue? = nil) throws -> Built? {
        while true {
            switch try step() {
            case .skip: continue
            case .end: return nil
            case .streamEnd:
                if let atStreamEnd { return Built(value: atStreamEnd, nodes: 1, height: 0) }
                throw YAMLDocument.ParseError(description: "invalid YAML: unexpected end of stream")
            case .value(let value, let anchor):
                let built = Built(value: value, nodes: 1, height: 0)
                remember(anchor, built)
                return built
            case .alias(let name, let mark):
                guard let built = anchors[name] else {
                    throw YAMLDocument.ParseError(description: "invalid YAML: alias '*\(name)' names no anchor")
                }
                try checkDepth(depth + built.height, at: mark)
                // Anchored values are built from what was read plus earlier aliases, all within
                // the budget, so these sums cannot overflow.
                aliasNodes += built.nodes
                if aliasNodes > maxAliasNodes {
                    throw YAMLDocument.LimitExceeded(description: "YAML aliases expand to more than \(maxAliasNodes) nodes "
                        + "(\(mark.text)): refused as an alias bomb")
                }
                return built
            case .startMapping(let anchor, let mark):
                let built = try collection(at: mark, Self.mapping)
                remember(anchor, built)
                return built
            case .startSequence(let anchor, let mark):
                let built = try collection(at: mark, Self.sequence)
                remember(anchor, built)
                return built
            }
        }
    }

    private func checkDepth(_ reached: Int, at mark: Mark) throws {
        guard reached <= maxDepth else {
            throw YAMLDocument.LimitExceeded(description: "YAML nested deeper than \(maxDepth) levels (\(mark.text)): refused")
        }
    }

    private mutating func collection(at mark: Mark, _ body: (inout Self) throws -> Built) throws -> Built {
        depth += 1
        defer { depth -= 1 }
        try checkDepth(depth, at: mark)
        return try body(&self)
    }

    private static func mapping(_ builder: inout Self) throws -> Built {
        var fields: [String: JSONValue] = [:]
        var nodes = 1
        var height = 1
        while let key = try builder.node() {
            guard case .string(let name) = key.value.asKey else {
                throw YAMLDocument.ParseError(description: "a mapping key is not a scalar")
            }
            guard let value = try builder.node() else {
                throw YAMLDocument.ParseError(description: "invalid YAML: mapping key '\(name)' without a value")
            }
            guard fields.updateValue(value.value, forKey: name) == nil else {
                throw YAMLDocument.ParseError(description: "duplicate key '\(name)'")
            }
            nodes += key.nodes + value.nodes
            height = max(height, value.height + 1)
        }
        return Built(value: .object(fields), nodes: nodes, height: height)
    }

    private static func sequence(_ builder: inout Self) throws -> Built {
        var items: [JSONValue] = []
        var nodes = 1
        var height = 1
        while let item = try builder.node() {
            items.append(item.value)
            nodes += item.nodes
            height = max(height, item.height + 1)
        }
        return Built(value: .array(items), nodes: nodes, height: height)
    }

    private mutating func step() throws -> Step {
        try parser.next { event -> Step in
            let mark = Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            switch event.type {
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let text = scalar.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self) } ?? ""
                let tag = scalar.tag.map { String(cString: $0) }
                let anchor = scalar.anchor.map { String(cString: $0) }
                return .value(try YAMLScalar.value(text, tag: tag, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE), anchor: anchor)
            case YAML_MAPPING_START_EVENT:
                return .startMapping(anchor: event.data.mapping_start.anchor.map { String(cString: $0) }, mark)
            case YAML_SEQUENCE_START_EVENT:
                return .startSequence(anchor: event.data.sequence_start.anchor.map { String(cString: $0) }, mark)
            case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
                return .end
            case YAML_ALIAS_EVENT:
                return .alias(event.data.alias.anchor.map { String(cString: $0) } ?? "", mark)
            case YAML_STREAM_END_EVENT:
                return .streamEnd
            default:
                return .skip
            }
        }
    }
}

private extension JSONValue {
    /// A scalar as a mapping key (`2: x` has the key "2").
    var asKey: JSONValue {
        switch self {
        case .string: self
        case .int(let i): .string(String(i))
        case .bool(let b): .string(b ? "true" : "false")
        case .double(let d): .string(d.description)
        case .null: .string("")
        default: .null
        }
    }
}

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
