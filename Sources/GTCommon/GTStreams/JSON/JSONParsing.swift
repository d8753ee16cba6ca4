internal import CJansson

/// Why a JSON text could not be parsed, in jansson's words, with where.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let message: String
    public var description: String { "\(message) (line \(line), column \(column))" }
}

extension JSONValue {
    /// Parses one JSON text (any top-level value) with jansson.
    ///
    /// Duplicate keys are refused: a record that says two things about one field is not data
    /// to act on. `\u0000` is allowed inside strings (it is valid JSON).
    public init(parsing bytes: UnsafeRawBufferPointer) throws(JSONParseError) {
        var error = json_error_t()
        let flags = Int(JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL)
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self),
              let root = json_loadb(base, bytes.count, flags, &error)
        else {
            if bytes.isEmpty { throw JSONParseError(line: 1, column: 0, message: "empty input") }
            throw JSONParseError(
                line: Int(error.line), column: Int(error.column), message: Self.errorText(&error))
        }
        defer { json_decref(root) }
        self = JSONValue(borrowing: root)
    }

    public init(parsing bytes: some Collection<UInt8>) throws(JSONParseError) {
        let array = Array(bytes)
        var result: Result<JSONValue, JSONParseError> = .success(.null)
        array.withUnsafeBytes { raw in
            do throws(JSONParseError) { result = .success(try JSONValue(parsing: raw)) } catch {
                result = .failure(error)
            }
        }
        self = try result.get()
    }

    public init(parsing text: String) throws(JSONParseError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// Converts a jansson tree to Swift values; `node` stays owned by the caller.
    init(borrowing node: UnsafeMutablePointer<json_t>) {
        switch gt_json_typeof(node) {
        case JSON_OBJECT:
            var fields: [String: JSONValue] = [:]
            fields.reserveCapacity(json_object_size(node))
            var iter = json_object_iter(node)
            while let it = iter {
                let keyLength = json_object_iter_key_len(it)
                let key = json_object_iter_key(it).withMemoryRebound(to: UInt8.self, capacity: keyLength) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: keyLength), as: UTF8.self)
                }
                if let child = json_object_iter_value(it) { fields[key] = JSONValue(borrowing: child) }
                iter = json_object_iter_next(node, it)
            }
            self = .object(fields)
        case JSON_ARRAY:
            let count = json_array_size(node)
            var items: [JSONValue] = []
            items.reserveCapacity(count)
            for i in 0..<count {
                if let child = json_array_get(node, i) { items.append(JSONValue(borrowing: child)) }
            }
            self = .array(items)
        case JSON_STRING:
            let length = json_string_length(node)
            if let chars = json_string_value(node) {
                self = .string(chars.withMemoryRebound(to: UInt8.self, capacity: length) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
                })
            } else {
                self = .string("")
            }
        case JSON_INTEGER: self = .int(Int64(json_integer_value(node)))
        case JSON_REAL: self = .double(json_real_value(node))
        case JSON_TRUE: self = .bool(true)
        case JSON_FALSE: self = .bool(false)
        default: self = .null
        }
    }

    /// jansson's reason, without the token it quotes (`'}' expected near 'abc'`): an unquoted
    /// token of a broken line may be part of a webhook URL's secret path, and every reader
    /// (streams, App-Interface, answers) passes this text on. The line and column say where.
    /// A duplicate key keeps its name (`duplicate object key near '"pk"'`): it names the field.
    private static func errorText(_ error: inout json_error_t) -> String {
        let text = withUnsafeBytes(of: &error.text) { raw in
            String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
        }
        guard !text.hasPrefix("duplicate object key"), let near = text.firstRange(of: " near ") else { return text }
        return String(text[..<near.lowerBound])
    }
}
