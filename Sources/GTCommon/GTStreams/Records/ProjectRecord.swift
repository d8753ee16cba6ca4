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
        instance = try f.name("instance")
        organization = try f.name("organization")
        organizationSlug = try f.optionalName("organization_slug")
        project = try f.name("project")
        name = try f.optionalString("name") ?? project
        alerts = try f.required("alerts").array().map(AlertRecord.init)
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
