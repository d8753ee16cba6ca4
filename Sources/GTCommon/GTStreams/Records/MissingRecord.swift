/// A `missing` record (current stream): the organization, or the project, is not in GlitchTip.
public struct MissingRecord: Sendable, Equatable {
    public var instance: String
    public var organization: String
    public var project: String?

    public init(instance: String, organization: String, project: String? = nil) {
        self.instance = instance
        self.organization = organization
        self.project = project
    }

    public var json: JSONValue {
        var fields: [String: JSONValue] = ["kind": "missing", "instance": .string(instance), "organization": .string(organization)]
        if let project { fields["project"] = .string(project) }
        return .object(fields)
    }

    public init(_ f: JSONField) throws {
        instance = try f.name("instance")
        organization = try f.name("organization")
        project = try f.optionalName("project")
    }
}
