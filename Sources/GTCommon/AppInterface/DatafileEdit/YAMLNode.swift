import GTStreams

/// A YAML value to write into a datafile. Mapping keys keep the order given, so an adopted
/// alert reads as App-Interface's own files do (name, description, quantity, ...), which a
/// `JSONValue` object (unordered) could not promise.
public indirect enum YAMLNode: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case list([YAMLNode])
    case map([YAMLNode.Entry])

    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: YAMLNode

        public init(key: String, value: YAMLNode) {
            self.key = key
            self.value = value
        }
    }

    /// The value a YAML reader gives back for it: what ``DatafileEdit`` checks the edited file
    /// against. A repeated key keeps its last value here; the reader refuses it, so the check fails.
    public var jsonValue: JSONValue {
        switch self {
        case .string(let s): .string(s)
        case .int(let i): .int(i)
        case .list(let items): .array(items.map(\.jsonValue))
        case .map(let entries):
            .object(Dictionary(entries.map { ($0.key, $0.value.jsonValue) }, uniquingKeysWith: { _, last in last }))
        }
    }
}
