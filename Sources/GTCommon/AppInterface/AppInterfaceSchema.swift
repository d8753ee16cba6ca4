/// Every App-Interface name gt depends on, in one table: the datafile schemas (`$schema`) with
/// the fields their datafiles may and must hold (qontract-schemas `dependencies/glitchtip-*-1.yml`,
/// `jira-board-1.yml`, `app-sre/escalation-policy-1.yml`), and the fields of the GraphQL shape
/// every source is read into (``QontractQueries``, ``QontractShape``). When App-Interface adds
/// or renames a field, this file is the one to change.
public enum AppInterfaceSchema: String, CaseIterable, Sendable {
    case instance = "/dependencies/glitchtip-instance-1.yml"
    case organization = "/dependencies/glitchtip-organization-1.yml"
    case project = "/dependencies/glitchtip-project-1.yml"
    case alert = "/dependencies/glitchtip-project-alert-1.yml"
    case escalationPolicy = "/app-sre/escalation-policy-1.yml"
    case jiraBoard = "/dependencies/jira-board-1.yml"

    /// The field naming a datafile's schema; a YAML file without it is not a datafile.
    static let key = "$schema"
    /// Fields every datafile may hold that gt does not read.
    static let bookkeeping: Set<String> = [key, "labels"]

    /// The fields a datafile of this schema may hold; any other is an unknown field.
    var allowedKeys: Set<String> { Self.allowed[self]! }

    private static let allowed: [Self: Set<String>] = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.keys) })

    private var keys: Set<String> {
        switch self {
        case .instance: Self.bookkeeping.union(GraphQLFields.instance)
        case .organization: Self.bookkeeping.union(["name", "description", "instance", "owners"])
        case .project:
            Self.bookkeeping.union(["name", "projectId", "description", "app", "platform", "teams", "organization",
                                    "alerts", "eventThrottleRate", "jira"])
        case .alert: Self.bookkeeping.union(GraphQLFields.alert)
        case .escalationPolicy: Self.bookkeeping.union(["name", "description", "channels"])
        case .jiraBoard:
            Self.bookkeeping.union(["name", "description", "server", "severityPriorityMappings", "slack", "issueType",
                                    "issueResolveState", "issueReopenState", "reopenDuration", "disable", "issueFields"])
        }
    }

    /// The fields a datafile of this schema must hold (not null).
    var requiredKeys: [String] {
        switch self {
        case .instance: ["name", "description", "consoleUrl", "automationUserEmail", "automationToken"]
        case .organization: ["name", "description", "instance"]
        case .project: ["name", "description", "platform", "teams", "organization", "app"]
        case .alert: ["name", "description", "quantity", "timespanMinutes", "recipients"]
        case .escalationPolicy: ["name", "description", "channels"]
        case .jiraBoard: ["name"]
        }
    }
}

/// The fields of each object of the GraphQL shape (the answers to ``QontractQueries``), what
/// ``QontractShape`` accepts; the data-directory and bundle sources resolve datafiles into it.
enum GraphQLFields {
    static let instance: Set<String> = [
        "name", "description", "consoleUrl", "automationUserEmail", "automationToken", "readTimeout", "maxRetries",
        "mailDomain", "glitchtipJiraBridgeAlertUrl", "glitchtipJiraBridgeToken",
    ]
    static let project: Set<String> = ["name", "projectId", "organization", "alerts", "jira"]
    /// A project's `organization`, and that organization's `instance`.
    static let organization: Set<String> = ["name", "instance"]
    static let organizationInstance: Set<String> = ["name"]
    static let alert: Set<String> = ["name", "description", "quantity", "timespanMinutes", "recipients"]
    static let recipient: Set<String> = ["provider", "url", "urlSecret"]
    static let jira: Set<String> = ["project", "components", "labels", "escalationPolicy"]
    static let escalationPolicy: Set<String> = ["channels"]
    static let channels: Set<String> = ["jiraBoard", "jiraComponents", "jiraLabels"]
    static let jiraBoard: Set<String> = ["name", "issueType", "disable"]
    static let jiraBoardDisable: Set<String> = ["integrations"]
}

/// A recipient's `provider`, the GraphQL union's discriminator.
enum RecipientProvider: String {
    case email = "email-project-members"
    case webhook
}
