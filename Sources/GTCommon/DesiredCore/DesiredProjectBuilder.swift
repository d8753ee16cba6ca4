import AppInterface
import GTStreams

/// Every rule violation found while building, each naming file, project and alert.
public struct DesiredBuildFailure: Error, Sendable, Equatable {
    public var errors: [AppInterfaceError]

    public init(errors: [AppInterfaceError]) {
        self.errors = errors
    }
}

/// Whether a declared alert may bear the Jira bridge alert's name.
public enum BridgeAlertName: Sendable {
    /// App-Interface: gt-desired builds that alert itself from the project's `jira`, so a
    /// declared one would be a second (docs/rules.md, "Desired state").
    case reserved
    /// A reconcile request: its client built the bridge alert and sends it as a declared one.
    case declared
}

/// One project's desired record, by the rules of docs/rules.md, "Desired state". Pure: the
/// project, its instance and the secret values in, the record or every violation out. What
/// needs more than one project (a key declared twice, organizations that collide) is checked
/// by `DuplicateProjectKeys` and `OrganizationCollisions`, fed one project at a time.
public enum DesiredProjectBuilder {
    public static let reservedNameMessage = "'Glitchtip-Jira-Bridge-Integration' alert name is reserved. Please use another name."
    public static let uniqueWebhookMessage =
        "Glitchtip project alert webhook URLs must be unique across a project. Do not trigger the same webhook twice."

    /// GlitchTip's `AlertRecipient.url` column (`URLField(max_length=2000)`), counted as Django
    /// counts, in characters of the URL as sent (docs/architecture.md, "Recipient URL length").
    public static let maxRecipientURLLength = 2000

    /// The secrets `build` reads for this project, each once, in the order first needed: its
    /// webhooks' `urlSecret`s (where no `url` is set), then the instance's bridge token when the
    /// project uses Jira and the instance has a bridge URL. `instance` is nil when the project's
    /// instance is not declared: then only the webhook secrets.
    public static func neededSecrets(of project: AppInterfaceModel.Project, instance: AppInterfaceModel.Instance?) -> [SecretRef] {
        var refs: [SecretRef] = []
        for alert in project.alerts {
            for case .webhook(let url, let secret?) in alert.recipients where (url ?? "").isEmpty { refs.append(secret) }
        }
        if project.jira != nil, let instance, instance.jiraBridgeAlertURL != nil, let token = instance.jiraBridgeToken {
            refs.append(token)
        }
        var seen = Set<SecretRef>()
        return refs.filter { seen.insert($0).inserted }
    }

    /// The project's record (alerts sorted by name, recipients sorted), or every violation of
    /// its rules in the order they are found: alert by alert, then the Jira bridge, then the
    /// webhook URLs across the project. `secrets` holds the values of `neededSecrets`; one
    /// missing or empty counts as not set.
    public static func build(_ project: AppInterfaceModel.Project, instance: AppInterfaceModel.Instance,
                             secrets: [SecretRef: String],
                             bridgeAlert: BridgeAlertName = .reserved) -> Result<ProjectRecord, DesiredBuildFailure> {
        var violations = ProjectViolations(project: project)
        if project.slug.isEmpty {
            // An empty slug would make an API path of two segments joined (docs/rules.md, "Desired state").
            violations.fail(project.origin, nil, project.projectID == nil
                ? "its GlitchTip slug is empty: slugify keeps no letter or digit of the name; set projectId"
                : "projectId must not be empty")
        }
        var names: Set<String> = []
        var alerts: [AlertRecord] = []
        for alert in project.alerts {
            let firstOfItsName = names.insert(alert.name).inserted
            alerts.append(declaredAlert(alert, firstOfItsName: firstOfItsName, secrets: secrets, bridgeAlert: bridgeAlert,
                                        violations: &violations))
        }
        if let jira = project.jira, let bridge = instance.jiraBridgeAlertURL {
            let token = instance.jiraBridgeToken.flatMap { secrets[$0] }
            do {
                let urls = try JiraBridge.urls(jira: jira, bridgeURL: bridge, token: token)
                var recipients: [RecipientRecord] = []
                for url in urls {
                    switch webhookRecipient(url, shownAs: "a Jira bridge URL (\(RedactedURL.display(url)))") {
                    case .success(let recipient): recipients.append(recipient)
                    case .failure(let refused): violations.fail(project.origin, JiraBridge.alertName, refused.message)
                    }
                }
                if !urls.isEmpty {
                    alerts.append(AlertRecord(name: JiraBridge.alertName, timespanMinutes: 1, quantity: 1, recipients: recipients))
                }
            } catch {
                violations.fail(project.origin, nil, error.message)
            }
        }
        checkWebhooks(of: alerts, in: project, violations: &violations)
        guard violations.errors.isEmpty else { return .failure(DesiredBuildFailure(errors: violations.errors)) }
        return .success(ProjectRecord(
            instance: project.instance, organization: project.organization,
            project: project.slug, name: project.name,
            alerts: alerts.map { $0.withSortedRecipients() }.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }))
    }
}
