/// A wrong or missing field, named by its path from the document root
/// (`alerts[2].quantity: expected integer, got string`).
public struct JSONFieldError: Error, Sendable, CustomStringConvertible, Equatable {
    public let path: String
    public let message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// A value together with where it sits in its document, so every typed read can say where
/// it failed.
public struct JSONField: Sendable {
    public let value: JSONValue
    public let path: String

    public init(_ value: JSONValue, path: String = "") {
        self.value = value
        self.path = path
    }

    private func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The field `key`; absent or null is an error.
    public func required(_ key: String) throws -> JSONField {
        let fields = try object()
        guard let child = fields[key], !child.isNull else {
            throw JSONFieldError(path: childPath(key), message: "missing required field")
        }
        return JSONField(child, path: childPath(key))
    }

    /// The field `key`, or nil when it is absent or null.
    public func optional(_ key: String) throws -> JSONField? {
        let fields = try object()
        guard let child = fields[key], !child.isNull else { return nil }
        return JSONField(child, path: childPath(key))
    }

    private func mismatch(_ expected: String) -> JSONFieldError {
        JSONFieldError(path: path, message: "expected \(expected), got \(value.typeName)")
    }

    public func object() throws -> [String: JSONValue] {
        guard case .object(let fields) = value else { throw mismatch("object") }
        return fields
    }

    public func array() throws -> [JSONField] {
        guard case .array(let items) = value else { throw mismatch("array") }
        return items.enumerated().map { JSONField($1, path: "\(path)[\($0)]") }
    }

    public func string() throws -> String {
        guard case .string(let s) = value else { throw mismatch("string") }
        return s
    }

    public func int() throws -> Int64 {
        guard case .int(let i) = value else { throw mismatch("integer") }
        return i
    }

    public func bool() throws -> Bool {
        guard case .bool(let b) = value else { throw mismatch("boolean") }
        return b
    }

    /// Refuses keys outside `allowed`: an unknown field is more likely a typo than data to drop.
    public func rejectUnknownKeys(allowed: Set<String>) throws {
        let fields = try object()
        if let unknown = fields.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw JSONFieldError(path: childPath(unknown), message: "unknown field")
        }
    }
}
