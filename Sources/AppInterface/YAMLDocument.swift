import GTCommon
import Yams

/// YAML (App-Interface datafiles, secrets files) read into ``JSONValue`` with Yams, scalars
/// resolved by YAML's core schema (`2` is an integer, `"2"` a string, `null`/`~` null).
public enum YAMLDocument {
    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func parse(_ text: String) throws -> JSONValue {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw ParseError(description: "invalid YAML: \(error)")
        }
        guard let node else { return .null }
        return try convert(node)
    }

    private static func convert(_ node: Node) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case Tag.Name.null: return .null
            case Tag.Name.bool: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case Tag.Name.int:
                guard let i = node.int else { throw ParseError(description: "integer out of range: \(scalar.string)\(location(node))") }
                return .int(Int64(i))
            case Tag.Name.float: return node.float.map(JSONValue.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .mapping(let mapping):
            var fields: [String: JSONValue] = [:]
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

    private static func location(_ node: Node) -> String {
        node.mark.map { " (line \($0.line), column \($0.column))" } ?? ""
    }
}
