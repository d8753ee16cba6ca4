internal import CLibYAML

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
