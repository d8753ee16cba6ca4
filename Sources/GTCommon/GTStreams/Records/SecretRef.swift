/// A reference to a secret in Vault (App-Interface's `vaultSecret`): a path, a field, an
/// optional KV version and the value's encoding. Streams carry the reference, never the value.
public struct SecretRef: Sendable, Hashable, CustomStringConvertible {
    public enum Format: String, Sendable {
        case plain, base64
    }

    public var path: String
    public var field: String
    public var version: Int64?
    public var format: Format

    public init(path: String, field: String, version: Int64? = nil, format: Format = .plain) {
        self.path = path
        self.field = field
        self.version = version
        self.format = format
    }

    /// `path#field` (and `@version`): how messages name a secret without its value.
    public var description: String { "\(path)#\(field)" + (version.map { "@\($0)" } ?? "") }

    public var json: JSONValue {
        var fields: [String: JSONValue] = ["path": .string(path), "field": .string(field), "format": .string(format.rawValue)]
        if let version { fields["version"] = .int(version) }
        return .object(fields)
    }

    /// Reads `{path, field, version?, format?}`; other keys are refused.
    public init(_ field: JSONField) throws {
        try field.rejectUnknownKeys(allowed: ["path", "field", "version", "format"])
        path = try field.name("path")
        self.field = try field.name("field")
        version = try field.optionalInt("version", in: NumberRange.secretVersion)
        let formatName = try field.optional("format")?.string() ?? "plain"
        guard let format = Format(rawValue: formatName) else {
            throw JSONFieldError(path: field.path.isEmpty ? "format" : "\(field.path).format",
                                 message: "expected 'plain' or 'base64', got '\(formatName)'")
        }
        self.format = format
    }
}
