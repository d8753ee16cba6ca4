/// A `project` record (desired and current streams): where the project is and its alerts.
public struct ProjectRecord: Sendable, Equatable {
    public var instance: String
    public var organization: String
    /// GlitchTip's real slug of the organization (current stream); absent in the desired stream.
    public var organizationSlug: String?
    /// The project's slug.
    public var project: String
    public var name: String
    public var alerts: [AlertRecord]

    public init(instance: String, organization: String, organizationSlug: String? = nil, project: String, name: String,
                alerts: [AlertRecord]) {
        self.instance = instance
        self.organization = organization
        self.organizationSlug = organizationSlug
        self.project = project
        self.name = name
        self.alerts = alerts
    }

    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "kind": "project", "instance": .string(instance), "organization": .string(organization),
            "project": .string(project), "name": .string(name), "alerts": .array(alerts.map(\.json)),
        ]
        if let organizationSlug { fields["organization_slug"] = .string(organizationSlug) }
        return .object(fields)
    }

    public init(_ f: JSONField) throws {
        instance = try f.string("instance")
        organization = try f.string("organization")
        organizationSlug = try f.optionalString("organization_slug")
        project = try f.string("project")
        name = try f.optionalString("name") ?? project
        alerts = try f.required("alerts").array().map(AlertRecord.init)
    }
}

/// An `instance` record: how to reach a GlitchTip instance. The token is a reference
/// (`{path, field, version?, format}`), never a value.
public struct InstanceRecord: Sendable, Equatable {
    public var name: String
    public var consoleURL: String
    public var token: JSONValue
    public var readTimeout: Int64
    public var maxRetries: Int64

    public init(name: String, consoleURL: String, token: JSONValue, readTimeout: Int64, maxRetries: Int64) {
        self.name = name
        self.consoleURL = consoleURL
        self.token = token
        self.readTimeout = readTimeout
        self.maxRetries = maxRetries
    }

    public var json: JSONValue {
        ["kind": "instance", "name": .string(name), "console_url": .string(consoleURL), "token": token,
         "read_timeout": .int(readTimeout), "max_retries": .int(maxRetries)]
    }

    public init(_ f: JSONField) throws {
        name = try f.required("name").string()
        consoleURL = try Self.checkedConsoleURL(f.required("console_url").string(), field: "console_url")
        token = try f.required("token").value
        readTimeout = try f.optional("read_timeout")?.int() ?? 30
        maxRetries = try f.optional("max_retries")?.int() ?? 3
    }
}

extension InstanceRecord {
    /// `url`, unless it carries userinfo (`https://user:password@…`): gt reaches GlitchTip with
    /// the instance's token, and the URL is written on stdout in every `instance` record, so a
    /// password in it would be printed (docs/streams.md, "Redaction"). The error shows the URL
    /// redacted.
    public static func checkedConsoleURL(_ url: String, field: String) throws(JSONFieldError) -> String {
        guard URLParts(url).userinfo == nil else {
            throw JSONFieldError(path: field, message: "must not carry a user name or password (\(RedactedURL.display(url))): "
                                 + "GlitchTip is reached with the automation token; remove the userinfo from the URL")
        }
        return url
    }
}

/// A `warning` or `error` record: what went wrong, and for which scope.
public struct NoticeRecord: Sendable, Equatable {
    public enum Level: String, Sendable { case warning, error }
    public var level: Level
    public var instance: String?
    public var organization: String?
    public var project: String?
    public var message: String

    public init(_ level: Level, instance: String? = nil, organization: String? = nil, project: String? = nil, message: String) {
        self.level = level
        self.instance = instance
        self.organization = organization
        self.project = project
        self.message = message
    }

    public var json: JSONValue {
        var scope: [String: JSONValue] = [:]
        if let instance { scope["instance"] = .string(instance) }
        if let organization { scope["organization"] = .string(organization) }
        if let project { scope["project"] = .string(project) }
        return ["kind": .string(level.rawValue), "scope": .object(scope), "message": .string(message)]
    }

    public init(_ f: JSONField) throws {
        level = Level(rawValue: try f.required("kind").string()) ?? .error
        let scope = try f.optional("scope")
        instance = try scope?.optional("instance")?.string()
        organization = try scope?.optional("organization")?.string()
        project = try scope?.optional("project")?.string()
        message = try f.required("message").string()
    }
}
