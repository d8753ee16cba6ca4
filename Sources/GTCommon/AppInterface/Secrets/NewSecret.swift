/// Fields to add at one secret path (a ``SecretRef`` path: `<mount>/<path within the mount>`,
/// the mount being the first segment, as gt reads it).
public struct NewSecret: Sendable, Equatable {
    public var path: String
    public var fields: [String: String]

    public init(path: String, fields: [String: String]) {
        self.path = path
        self.fields = fields
    }

    /// The path split at its mount, once it is a path gt can write and read back: segments
    /// non-empty, none `.` or `..` (an HTTP client folds those, and the request would land
    /// elsewhere), no control character; and at least one field, each with a name.
    func location() throws -> (mount: String, rest: String) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count >= 2 else {
            throw SecretError(secret: path, reason: "a secret path needs a mount and a path within it (<mount>/<path>)")
        }
        for segment in segments {
            if segment.isEmpty || segment == "." || segment == ".." {
                throw SecretError(secret: path, reason: "the path has an empty, '.' or '..' segment")
            }
        }
        if path.unicodeScalars.contains(where: Self.isControl) {
            throw SecretError(secret: path, reason: "the path holds a control character")
        }
        guard !fields.isEmpty else { throw SecretError(secret: path, reason: "no field to add") }
        for name in fields.keys where name.isEmpty || name.unicodeScalars.contains(where: Self.isControl) {
            throw SecretError(secret: path, reason: "a field name is empty or holds a control character")
        }
        return (String(segments[0]), segments.dropFirst().joined(separator: "/"))
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar.value < 0x20 || scalar.value == 0x7F }

    /// `path#field`, how a message names one field without its value.
    func name(_ field: String) -> String { "\(path)#\(field)" }
}
