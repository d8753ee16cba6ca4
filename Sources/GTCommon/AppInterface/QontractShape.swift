import GTStreams

/// Reads the qontract-server answers of the two queries in ``QontractQueries`` (the GraphQL
/// shape) into the model. The data-directory and bundle sources resolve their files into the
/// same shape first, so every source goes through this one reader.
///
/// An object may carry `__origin` (the file it came from); messages about it and its children
/// name that origin, and field paths start again from it.
public enum QontractShape {
    static let originKey = "__origin"

    public static func model(instances: JSONValue, projects: JSONValue, origin: String) throws -> AppInterfaceModel {
        let instanceList = try listed(instances, origin: origin, key: "instances")
        let projectList = try listed(projects, origin: origin, key: "glitchtip_projects")
        return AppInterfaceModel(
            instances: try instanceList.enumerated().map { try instance($1, origin: "\(origin) instances[\($0)]") },
            projects: try projectList.enumerated().map { try project($1, origin: "\(origin) glitchtip_projects[\($0)]") })
    }

    private static func listed(_ value: JSONValue, origin: String, key: String) throws -> [JSONValue] {
        guard case .array(let items) = value else {
            throw AppInterfaceError(origin: origin, message: "\(key): expected array, got \(value.typeName)")
        }
        return items
    }

    /// Runs `body` on the object's fields, turning field errors into errors that name the origin.
    private static func reading<T>(_ value: JSONValue, origin: String, path: String = "",
                                   _ body: (JSONField, String) throws -> T) throws -> T {
        let ownOrigin = value[originKey]?.stringValue
        let field = JSONField(value, path: ownOrigin == nil ? path : "")
        let origin = ownOrigin ?? origin
        do {
            return try body(field, origin)
        } catch let error as JSONFieldError {
            throw AppInterfaceError(origin: origin, message: error.description)
        }
    }

    static func instance(_ value: JSONValue, origin: String) throws -> AppInterfaceModel.Instance {
        try reading(value, origin: origin) { f, origin in
            try f.rejectUnknownKeys(allowed: GraphQLFields.instance.union([originKey]))
            return AppInterfaceModel.Instance(
                name: try f.required("name").string(),
                consoleURL: try InstanceRecord.checkedConsoleURL(f.required("consoleUrl").string(), field: "consoleUrl"),
                automationToken: try SecretRef(f.required("automationToken")),
                // The reference's `read_timeout or 30`, `max_retries or 3`: 0 means the default
                // too (docs/architecture.md, "Instances"); anything else must be in its range
                // (docs/rules.md, "Numbers").
                readTimeout: orDefault(try f.optionalInt("readTimeout", in: 0...NumberRange.readTimeout.upperBound), 30),
                maxRetries: orDefault(try f.optionalInt("maxRetries", in: NumberRange.maxRetries), 3),
                jiraBridgeAlertURL: try f.optional("glitchtipJiraBridgeAlertUrl")?.string(),
                jiraBridgeToken: try f.optional("glitchtipJiraBridgeToken").map(SecretRef.init),
                origin: origin)
        }
    }

    /// Python's `value or default` for an integer: absent, null and 0 give the default.
    private static func orDefault(_ value: Int64?, _ fallback: Int64) -> Int64 {
        guard let value, value != 0 else { return fallback }
        return value
    }

    static func project(_ value: JSONValue, origin: String) throws -> AppInterfaceModel.Project {
        try reading(value, origin: origin) { f, origin in
            try f.rejectUnknownKeys(allowed: GraphQLFields.project.union([originKey]))
            let organization = try f.required("organization")
            try organization.rejectUnknownKeys(allowed: GraphQLFields.organization)
            let instance = try organization.required("instance")
            try instance.rejectUnknownKeys(allowed: GraphQLFields.organizationInstance)
            let alerts = try f.optional("alerts")?.array() ?? []
            return AppInterfaceModel.Project(
                name: try f.string("name"),
                projectID: try f.optionalString("projectId"),
                organization: try organization.string("name"),
                instance: try instance.string("name"),
                alerts: try alerts.map { try alert($0.value, origin: origin, path: $0.path) },
                jira: try f.optional("jira").map(jira),
                origin: origin)
        }
    }

    static func alert(_ value: JSONValue, origin: String, path: String) throws -> AppInterfaceModel.Alert {
        try reading(value, origin: origin, path: path) { f, origin in
            try f.rejectUnknownKeys(allowed: GraphQLFields.alert.union([originKey]))
            return AppInterfaceModel.Alert(
                name: try f.string("name"),
                quantity: try f.required("quantity").value,
                timespanMinutes: try f.required("timespanMinutes").value,
                recipients: try f.required("recipients").array().map(recipient),
                origin: origin)
        }
    }

    static func recipient(_ f: JSONField) throws -> AppInterfaceModel.Recipient {
        try f.rejectUnknownKeys(allowed: GraphQLFields.recipient)
        let provider = try f.string("provider")
        switch RecipientProvider(rawValue: provider) {
        case .email:
            return .email(url: try f.optionalString("url"))
        case .webhook:
            return .webhook(url: try f.optionalString("url"), urlSecret: try f.optional("urlSecret").map(SecretRef.init))
        case nil:
            return .unsupported(provider: provider)
        }
    }

    static func jira(_ f: JSONField) throws -> AppInterfaceModel.Jira {
        try f.rejectUnknownKeys(allowed: GraphQLFields.jira)
        return AppInterfaceModel.Jira(
            // An empty project is unset, as in the reference: the escalation policy's boards apply.
            project: try f.optional("project")?.string().nonEmpty,
            components: try strings(f.optional("components")),
            labels: try strings(f.optional("labels")),
            escalationPolicy: try f.optional("escalationPolicy").map(escalationPolicy))
    }

    static func escalationPolicy(_ f: JSONField) throws -> AppInterfaceModel.EscalationPolicy {
        try f.rejectUnknownKeys(allowed: GraphQLFields.escalationPolicy)
        let channels = try f.required("channels")
        try channels.rejectUnknownKeys(allowed: GraphQLFields.channels)
        return AppInterfaceModel.EscalationPolicy(
            jiraBoards: try (channels.optional("jiraBoard")?.array() ?? []).map(jiraBoard),
            jiraComponents: try strings(channels.optional("jiraComponents")),
            jiraLabels: try strings(channels.optional("jiraLabels")))
    }

    static func jiraBoard(_ f: JSONField) throws -> AppInterfaceModel.JiraBoard {
        try f.rejectUnknownKeys(allowed: GraphQLFields.jiraBoard)
        let disable = try f.optional("disable")
        try disable?.rejectUnknownKeys(allowed: GraphQLFields.jiraBoardDisable)
        return AppInterfaceModel.JiraBoard(
            name: try f.required("name").string(),
            issueType: try f.optional("issueType")?.string(),
            disabledIntegrations: try strings(disable?.optional("integrations")))
    }

    private static func strings(_ field: JSONField?) throws -> [String] {
        try field?.array().map { try $0.string() } ?? []
    }
}

private extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
