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
///
/// The path is kept as a chain of steps and spelled out only when an error needs it: typed
/// reads of a large document would otherwise build a string for every field they touch.
public struct JSONField: Sendable {
    public let value: JSONValue
    private let location: JSONLocation?

    public init(_ value: JSONValue, path: String = "") {
        self.value = value
        location = path.isEmpty ? nil : JSONLocation(parent: nil, step: .root(path))
    }

    private init(_ value: JSONValue, location: JSONLocation) {
        self.value = value
        self.location = location
    }

    /// `alerts[2].quantity`; empty at the root.
    public var path: String { location?.path ?? "" }

    private func child(_ value: JSONValue, key: String) -> JSONField {
        JSONField(value, location: JSONLocation(parent: location, step: .key(key)))
    }

    private func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The field `key`; absent or null is an error.
    public func required(_ key: String) throws -> JSONField {
        let fields = try object()
        guard let child = fields[key], !child.isNull else {
            throw JSONFieldError(path: childPath(key), message: "missing required field")
        }
        return self.child(child, key: key)
    }

    /// The field `key`, or nil when it is absent or null.
    public func optional(_ key: String) throws -> JSONField? {
        let fields = try object()
        guard let child = fields[key], !child.isNull else { return nil }
        return self.child(child, key: key)
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
        return items.enumerated().map { JSONField($1, location: JSONLocation(parent: location, step: .index($0))) }
    }

    public func string() throws -> String {
        guard case .string(let s) = value else { throw mismatch("string") }
        return s
    }

    public func int() throws -> Int64 {
        guard case .int(let i) = value else { throw mismatch("integer") }
        return i
    }

    /// The integer here, if it lies in `range` (docs/rules.md, "Numbers"); a real, a string or
    /// an integer outside it is an error naming the field and the range.
    public func int(in range: ClosedRange<Int64>) throws -> Int64 {
        guard case .int(let i) = value, range.contains(i) else {
            throw JSONFieldError(path: path, message: Self.outOfRange(value, range))
        }
        return i
    }

    public func bool() throws -> Bool {
        guard case .bool(let b) = value else { throw mismatch("boolean") }
        return b
    }

    // Direct reads of a scalar field: no child field (and no path step) is made unless the read
    // fails. Record decoders read hundreds of thousands of these.

    private func scalar(_ key: String, required: Bool) throws -> JSONValue? {
        guard case .object(let fields) = value else { throw mismatch("object") }
        guard let child = fields[key], !child.isNull else {
            if required { throw JSONFieldError(path: childPath(key), message: "missing required field") }
            return nil
        }
        return child
    }

    private func mismatch(_ key: String, _ expected: String, _ got: JSONValue) -> JSONFieldError {
        JSONFieldError(path: childPath(key), message: "expected \(expected), got \(got.typeName)")
    }

    public func string(_ key: String) throws -> String {
        let child = try scalar(key, required: true)!
        guard case .string(let s) = child else { throw mismatch(key, "string", child) }
        return s
    }

    public func optionalString(_ key: String) throws -> String? {
        guard let child = try scalar(key, required: false) else { return nil }
        guard case .string(let s) = child else { throw mismatch(key, "string", child) }
        return s
    }

    /// A name that makes a key or a path (instance, organization, project, a secret's path): an
    /// empty one would join two API path segments into another route (docs/streams.md, "Names").
    public func name(_ key: String) throws -> String {
        let text = try string(key)
        guard !text.isEmpty else { throw JSONFieldError(path: childPath(key), message: "must not be empty") }
        return text
    }

    public func optionalName(_ key: String) throws -> String? {
        guard try optionalString(key) != nil else { return nil }
        return try name(key)
    }

    public func int(_ key: String) throws -> Int64 {
        let child = try scalar(key, required: true)!
        guard case .int(let i) = child else { throw mismatch(key, "integer", child) }
        return i
    }

    public func optionalInt(_ key: String) throws -> Int64? {
        guard let child = try scalar(key, required: false) else { return nil }
        guard case .int(let i) = child else { throw mismatch(key, "integer", child) }
        return i
    }

    /// `key`'s integer, if it lies in `range`.
    public func int(_ key: String, in range: ClosedRange<Int64>) throws -> Int64 {
        let child = try scalar(key, required: true)!
        guard case .int(let i) = child, range.contains(i) else {
            throw JSONFieldError(path: childPath(key), message: Self.outOfRange(child, range))
        }
        return i
    }

    /// `key`'s integer, if it lies in `range`; nil when absent or null.
    public func optionalInt(_ key: String, in range: ClosedRange<Int64>) throws -> Int64? {
        guard let child = try scalar(key, required: false) else { return nil }
        guard case .int(let i) = child, range.contains(i) else {
            throw JSONFieldError(path: childPath(key), message: Self.outOfRange(child, range))
        }
        return i
    }

    /// `expected an integer from 1 to 3600, got 10000000000000000`. A real or an integer is
    /// shown; a string or a collection only by its type (it may be long, or a secret).
    static func outOfRange(_ value: JSONValue, _ range: ClosedRange<Int64>) -> String {
        let got: String
        switch value {
        case .int(let i): got = String(i)
        case .double(let d): got = "number \(d)"
        default: got = value.typeName
        }
        return "expected an integer from \(range.lowerBound) to \(range.upperBound), got \(got)"
    }

    /// Refuses keys outside `allowed`: an unknown field is more likely a typo than data to drop.
    public func rejectUnknownKeys(allowed: Set<String>) throws {
        let fields = try object()
        if let unknown = fields.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw JSONFieldError(path: childPath(unknown), message: "unknown field")
        }
    }
}

/// One step of a ``JSONField``'s path, linked to its parent's.
private final class JSONLocation: Sendable {
    enum Step {
        case root(String)
        case key(String)
        case index(Int)
    }

    let parent: JSONLocation?
    let step: Step

    init(parent: JSONLocation?, step: Step) {
        self.parent = parent
        self.step = step
    }

    var path: String {
        let prefix = parent?.path ?? ""
        switch step {
        case .root(let text): return text
        case .key(let key): return prefix.isEmpty ? key : "\(prefix).\(key)"
        case .index(let index): return "\(prefix)[\(index)]"
        }
    }
}
