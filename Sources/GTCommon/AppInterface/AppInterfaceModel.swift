import GTStreams

/// The part of App-Interface the tools read, resolved: instances, and projects with their
/// organization, alerts and Jira settings. Every source (data directory, bundle, GraphQL) is
/// read into this one model, so they give identical streams.
public struct AppInterfaceModel: Sendable {
    public var instances: [Instance]
    public var projects: [Project]

    public init(instances: [Instance], projects: [Project]) {
        self.instances = instances
        self.projects = projects
    }

    /// A GlitchTip instance (`/dependencies/glitchtip-instance-1.yml`).
    public struct Instance: Sendable, Equatable {
        public var name: String
        public var consoleURL: String
        public var automationToken: SecretRef
        public var readTimeout: Int64
        public var maxRetries: Int64
        public var jiraBridgeAlertURL: String?
        public var jiraBridgeToken: SecretRef?
        /// Where it was declared (file or GraphQL path), for messages.
        public var origin: String

        public init(name: String, consoleURL: String, automationToken: SecretRef, readTimeout: Int64 = 30,
                    maxRetries: Int64 = 3, jiraBridgeAlertURL: String? = nil, jiraBridgeToken: SecretRef? = nil,
                    origin: String) {
            self.name = name
            self.consoleURL = consoleURL
            self.automationToken = automationToken
            self.readTimeout = readTimeout
            self.maxRetries = maxRetries
            self.jiraBridgeAlertURL = jiraBridgeAlertURL
            self.jiraBridgeToken = jiraBridgeToken
            self.origin = origin
        }
    }

    /// A GlitchTip project (`/dependencies/glitchtip-project-1.yml`) with its organization's
    /// and instance's names.
    public struct Project: Sendable, Equatable {
        public var name: String
        public var projectID: String?
        public var organization: String
        public var instance: String
        public var alerts: [Alert]
        public var jira: Jira?
        public var origin: String

        public init(name: String, projectID: String?, organization: String, instance: String, alerts: [Alert],
                    jira: Jira?, origin: String) {
            self.name = name
            self.projectID = projectID
            self.organization = organization
            self.instance = instance
            self.alerts = alerts
            self.jira = jira
            self.origin = origin
        }
    }

    /// A declared alert. `quantity` and `timespanMinutes` are kept as read and checked by the
    /// rules, so a bad value is reported with the project and alert it belongs to.
    public struct Alert: Sendable, Equatable {
        public var name: String
        public var quantity: JSONValue
        public var timespanMinutes: JSONValue
        public var recipients: [Recipient]
        public var origin: String

        public init(name: String, quantity: JSONValue, timespanMinutes: JSONValue, recipients: [Recipient], origin: String) {
            self.name = name
            self.quantity = quantity
            self.timespanMinutes = timespanMinutes
            self.recipients = recipients
            self.origin = origin
        }
    }

    public enum Recipient: Sendable, Equatable {
        /// `email-project-members`; `url` is whatever was declared (it must be empty).
        case email(url: String?)
        /// `webhook`: a URL, or a secret holding one.
        case webhook(url: String?, urlSecret: SecretRef?)
        /// Any other provider: refused by the rules with the seed's message.
        case unsupported(provider: String)
    }

    public struct Jira: Sendable, Equatable {
        public var project: String?
        public var components: [String]
        public var labels: [String]
        public var escalationPolicy: EscalationPolicy?

        public init(project: String?, components: [String], labels: [String], escalationPolicy: EscalationPolicy?) {
            self.project = project
            self.components = components
            self.labels = labels
            self.escalationPolicy = escalationPolicy
        }
    }

    public struct EscalationPolicy: Sendable, Equatable {
        public var jiraBoards: [JiraBoard]
        public var jiraComponents: [String]
        public var jiraLabels: [String]

        public init(jiraBoards: [JiraBoard], jiraComponents: [String], jiraLabels: [String]) {
            self.jiraBoards = jiraBoards
            self.jiraComponents = jiraComponents
            self.jiraLabels = jiraLabels
        }
    }

    public struct JiraBoard: Sendable, Equatable {
        public var name: String
        public var issueType: String?
        public var disabledIntegrations: [String]

        public init(name: String, issueType: String?, disabledIntegrations: [String]) {
            self.name = name
            self.issueType = issueType
            self.disabledIntegrations = disabledIntegrations
        }
    }
}
