// TEMPORARY: stand-ins for the helpers' APIs (i23-edit, i23-vault); removed at merge.
import GTStreams
import GTHTTP

public indirect enum YAMLNode: Sendable, Equatable {
    case string(String), int(Int64), list([YAMLNode]), map([YAMLNode.Entry])
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: YAMLNode
        public init(key: String, value: YAMLNode) { self.key = key; self.value = value }
    }
}

public enum DatafileEdit {
    public static func appendingAlerts(_ items: [YAMLNode], to text: String, file: String) throws -> String {
        text + (text.contains("\nalerts:") ? "" : "alerts:\n") + items.flatMap { YAMLEmitter.sequenceItem($0, indent: 0) }.map { $0 + "\n" }.joined()
    }
}

public enum YAMLEmitter {
    public static func sequenceItem(_ node: YAMLNode, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        guard case .map(let entries) = node else { return [pad + "- " + scalar(node)] }
        var lines: [String] = []
        for (i, entry) in entries.enumerated() {
            let lead = pad + (i == 0 ? "- " : "  ")
            switch entry.value {
            case .list(let items):
                lines.append(lead + entry.key + ":")
                for item in items { lines += sequenceItem(item, indent: indent + 2) }
            case .map:
                lines.append(lead + entry.key + ":")
                lines += sequenceItem(entry.value, indent: indent + 4).map { String($0.dropFirst(2)) }
            default: lines.append(lead + entry.key + ": " + scalar(entry.value))
            }
        }
        return lines
    }
    static func scalar(_ node: YAMLNode) -> String {
        switch node {
        case .string(let s): JSONValue.string(s).serialized()
        case .int(let i): String(i)
        default: "?"
        }
    }
}

public enum UnifiedDiff {
    public static func file(path: String, old: String, new: String) -> String {
        old == new ? "" : "--- a/\(path)\n+++ b/\(path)\n"
    }
}

public struct NewSecret: Sendable, Equatable {
    public var path: String
    public var fields: [String: String]
    public init(path: String, fields: [String: String]) { self.path = path; self.fields = fields }
}

public struct VaultSecretWriter: Sendable {
    public static func fromEnvironment(_ environment: [String: String], http: HTTPClient) throws -> VaultSecretWriter { VaultSecretWriter() }
    public enum Outcome: Sendable, Equatable { case written(version: Int64), alreadyThere }
    public func add(_ secret: NewSecret) async throws -> Outcome { .alreadyThere }
    public func shutdown() async {}
}

public enum SecretsScript {
    public static func text(_ secrets: [NewSecret]) throws -> String { "" }
    public static func write(_ secrets: [NewSecret], to path: String) throws {}
}
extension YAMLEmitter {
    public static func mappingEntries(_ entries: [YAMLNode.Entry]) -> [String] { entries.map { "\($0.key): \(scalar($0.value))" } }
    public static func inlineComment(_ text: String) -> String { text }
}
