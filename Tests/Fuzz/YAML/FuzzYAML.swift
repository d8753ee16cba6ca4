import AppInterface
import GTStreams

/// libFuzzer target `yaml` (scripts/fuzz yaml SECONDS): the YAML reader every tool reads
/// App-Interface datafiles and the secrets file with (libyaml events built into values, YAML 1.1
/// scalars, anchors and aliases), within its limits (docs/architecture.md, "YAML limits").
///
/// - no crash or hang, whatever the bytes;
/// - a document it accepts nests at most `YAMLDocument.maxDepth` collections deep, and holds at
///   most what its bytes can spell plus `YAMLDocument.maxAliasNodes` nodes added by aliases;
/// - a document it accepts, written as JSON and parsed again, is the same value (numbers that
///   JSON cannot hold, `.nan` and `.inf`, aside).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? YAMLDocument.parse(bytes: &bytes) else { return 0 }
    let (depth, nodes, finite) = measure(value)
    if depth > YAMLDocument.maxDepth {
        fatalError("a document \(depth) collections deep was accepted (limit \(YAMLDocument.maxDepth))")
    }
    if nodes > 4 * size + 16 + YAMLDocument.maxAliasNodes {
        fatalError("a document of \(size) bytes holds \(nodes) nodes (alias limit \(YAMLDocument.maxAliasNodes))")
    }
    if finite {
        let text = value.serialized()
        guard let again = try? JSONValue(parsing: text), again == value else {
            fatalError("the document does not survive JSON: \(String(reflecting: text.prefix(300)))")
        }
    }
    return 0
}

/// How many collections deep `value` nests, how many nodes it holds, and whether every number
/// in it is finite. Iterative: the value may be as deep as the limit allows.
private func measure(_ value: JSONValue) -> (depth: Int, nodes: Int, finite: Bool) {
    var stack: [(JSONValue, Int)] = [(value, 0)]
    var deepest = 0, nodes = 0, finite = true
    while let (item, depth) = stack.popLast() {
        nodes += 1
        switch item {
        case .array(let items):
            deepest = max(deepest, depth + 1)
            stack += items.map { ($0, depth + 1) }
        case .object(let fields):
            deepest = max(deepest, depth + 1)
            nodes += fields.count
            stack += fields.values.map { ($0, depth + 1) }
        case .double(let d):
            finite = finite && d.isFinite
        default:
            break
        }
    }
    return (deepest, nodes, finite)
}
