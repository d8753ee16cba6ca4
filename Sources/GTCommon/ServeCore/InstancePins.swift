import AppInterface
import GTStreams

/// The instances gt-serve may reach, each pinned to its console URL and its token's secret
/// (`gt-serve --instances FILE`; README "Drop-in for qontract-api"). A request names both an
/// instance's URL and where its token is: without pins, whoever holds a JWT could have any
/// token gt-serve can read sent to any URL. With them, an instance whose URL or token
/// reference is not its pin's is refused alone, before its token is read; the pipeline's rule
/// (a token goes only to the URL App-Interface declares for it) holds for a task.
public struct InstancePins: Sendable, Equatable {
    public struct Pin: Sendable, Equatable {
        public var consoleURL: String
        public var path: String
        public var field: String
        /// Pinned only when the file gives one; else any version of that secret.
        public var version: Int64?

        public init(consoleURL: String, path: String, field: String, version: Int64? = nil) {
            self.consoleURL = consoleURL
            self.path = path
            self.field = field
            self.version = version
        }
    }

    public let pins: [String: Pin]
    /// Where they were read, for messages.
    public let label: String

    public init(pins: [String: Pin], label: String = "the instances file") {
        self.pins = pins
        self.label = label
    }

    /// The pins in the YAML or JSON file at `path`:
    /// `instances: {NAME: {console_url: URL, token: {path: P, field: F, version: N}}}`.
    /// A field it does not know, a wrong type or an unsafe URL is refused, by its place.
    public static func read(path: String) throws(InputError) -> InstancePins {
        let label = "instances file \(path)"
        let document: JSONValue
        do {
            let bytes = try DirectoryListing.contents(of: path)
            document = try YAMLDocument.parse(String(decoding: bytes, as: UTF8.self))
        } catch let error as YAMLDocument.LimitExceeded {
            throw InputError("\(label): \(error)")
        } catch {
            throw InputError("\(label) cannot be read as YAML or JSON: \(error)")
        }
        do { return InstancePins(pins: try pins(JSONField(document)), label: label) } catch {
            throw InputError("\(label): \(error)")
        }
    }

    private static func pins(_ root: JSONField) throws -> [String: Pin] {
        try known(root, ["instances"])
        var pins: [String: Pin] = [:]
        let instances = try root.required("instances")
        for (name, _) in try instances.object() {
            let entry = try instances.required(name)
            guard !name.isEmpty else { throw JSONFieldError(path: "instances", message: "an instance name must not be empty") }
            try known(entry, ["console_url", "token"])
            let url = try entry.required("console_url")
            let consoleURL = try InstanceRecord.checkedConsoleURL(try url.string(), field: url.path)
            guard ["http", "https"].contains(URLParts(consoleURL).scheme.lowercased()) else {
                throw JSONFieldError(path: url.path, message: "must be an http or https URL")
            }
            let token = try entry.required("token")
            try known(token, ["path", "field", "version"])
            pins[name] = Pin(consoleURL: consoleURL, path: try nonEmpty(token.required("path")),
                             field: try nonEmpty(token.required("field")),
                             version: try token.optional("version")?.int(in: NumberRange.secretVersion))
        }
        guard !pins.isEmpty else { throw JSONFieldError(path: "instances", message: "pins no instance") }
        return pins
    }

    private static func known(_ field: JSONField, _ keys: Set<String>) throws {
        if let unknown = try field.object().keys.filter({ !keys.contains($0) }).sorted().first {
            throw JSONFieldError(path: field.path.isEmpty ? unknown : "\(field.path).\(unknown)",
                                 message: "unknown field (known: \(keys.sorted().joined(separator: ", ")))")
        }
    }

    private static func nonEmpty(_ field: JSONField) throws -> String {
        let text = try field.string()
        guard !text.isEmpty else { throw JSONFieldError(path: field.path, message: "must not be empty") }
        return text
    }

    /// Why `instance` may not be reached, or nil when it matches its pin. Names the instance,
    /// URLs without credentials and the secret's path and field, never a value.
    public func refusal(_ instance: ReconcileRequest.Instance) -> String? {
        guard let pin = pins[instance.name] else {
            return "instance '\(instance.name)' is not in \(label): refused, its token is not read"
        }
        if instance.consoleURL != pin.consoleURL {
            return "instance '\(instance.name)': console_url \(RedactedURL(instance.consoleURL)) is not the one \(label) pins "
                + "(\(RedactedURL(pin.consoleURL))): refused, its token is not read (an instance's token goes only to its own URL)"
        }
        let ref = instance.token.ref
        if ref.path != pin.path || ref.field != pin.field || (pin.version.map { $0 != ref.version } ?? false) {
            return "instance '\(instance.name)': its token reference \(ref) is not the one \(label) pins "
                + "(\(SecretRef(path: pin.path, field: pin.field, version: pin.version))): refused, its token is not read"
        }
        return nil
    }
}
