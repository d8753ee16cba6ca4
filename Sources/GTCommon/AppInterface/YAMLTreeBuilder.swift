internal import CLibYAML
import GTStreams

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

    /// A scalar that cannot be typed (an integer beyond 64 bits, a bad tagged value), with where
    /// it is: its position, and its path (`automationToken.version`), which each enclosing
    /// collection adds its step to (docs/rules.md, "Numbers").
    private struct ScalarError: Error {
        let message: String
        let mark: Mark
        var path = ""

        func within(_ step: String) -> ScalarError {
            var outer = self
            outer.path = path.isEmpty || path.hasPrefix("[") ? step + path : step + "." + path
            return outer
        }
    }

    /// The first document's root; `null` for an empty stream.
    mutating func document() throws -> JSONValue {
        do { return try node(atStreamEnd: .null)?.value ?? .null } catch let error as ScalarError {
            let place = error.path.isEmpty ? error.mark.text : "\(error.path) (\(error.mark.text))"
            throw YAMLDocument.ParseError(description: "\(place): \(error.message)")
        }
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
            let read: Built?
            do { read = try builder.node() } catch let error as ScalarError { throw error.within(name) }
            guard let value = read else {
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
        while true {
            let read: Built?
            do { read = try builder.node() } catch let error as ScalarError { throw error.within("[\(items.count)]") }
            guard let item = read else { break }
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
                do {
                    return .value(try YAMLScalar.value(text, tag: tag, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE), anchor: anchor)
                } catch let error as YAMLDocument.ParseError {
                    throw ScalarError(message: error.description, mark: mark)
                }
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
