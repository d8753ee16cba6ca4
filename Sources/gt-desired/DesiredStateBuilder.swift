import AppInterface
import GTStreams
import GTGlitchTip
import GTCLI

/// Builds the desired state from the App-Interface model and resolved secrets, by the rules of
/// docs/rules.md, "Desired state". Pure: no I/O.
struct DesiredStateBuilder {
    static let reservedNameMessage = "'Glitchtip-Jira-Bridge-Integration' alert name is reserved. Please use another name."
    static let uniqueWebhookMessage =
        "Glitchtip project alert webhook URLs must be unique across a project. Do not trigger the same webhook twice."

    /// GlitchTip's `AlertRecipient.url` column (`URLField(max_length=2000)`), counted as Django
    /// counts, in characters of the URL as sent (docs/architecture.md, "Recipient URL length").
    static let maxRecipientURLLength = 2000

    let model: AppInterfaceModel
    /// Secret values by reference; every reference the rules need must be here.
    let secrets: [SecretRef: String]
    let instanceFilter: String?

    struct BuildFailure: Error {
        var errors: [AppInterfaceError]
    }

    struct Output {
        var instances: [InstanceRecord]
        var projects: [ProjectRecord]
    }

    /// The instances whose projects are built.
    var selectedInstances: [AppInterfaceModel.Instance] {
        model.instances.filter { instanceFilter == nil || $0.name == instanceFilter }
    }

    var selectedProjects: [AppInterfaceModel.Project] {
        model.projects.filter { instanceFilter == nil || $0.instance == instanceFilter }
    }

    /// Every secret the build will read: webhook `urlSecret`s and the bridge tokens of instances
    /// whose projects use Jira.
    var neededSecrets: [SecretRef] {
        var refs: [SecretRef] = []
        let byName = Dictionary(model.instances.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for project in selectedProjects {
            for alert in project.alerts {
                for case .webhook(let url, let secret?) in alert.recipients where (url ?? "").isEmpty { refs.append(secret) }
            }
            if project.jira != nil, let instance = byName[project.instance], instance.jiraBridgeAlertURL != nil,
               let token = instance.jiraBridgeToken {
                refs.append(token)
            }
        }
        var seen = Set<SecretRef>()
        return refs.filter { seen.insert($0).inserted }
    }

    /// The desired state, or every rule violation found (each naming file, project and alert).
    func build() -> Result<Output, BuildFailure> {
        var errors: [AppInterfaceError] = []
        var instances: [String: AppInterfaceModel.Instance] = [:]
        for instance in model.instances {
            if instances[instance.name] != nil {
                errors.append(AppInterfaceError(origin: instance.origin, message: "instance '\(instance.name)' is declared twice"))
            }
            instances[instance.name] = instance
        }
        if let instanceFilter, instances[instanceFilter] == nil {
            errors.append(AppInterfaceError(origin: "", message: "no GlitchTip instance named '\(instanceFilter)'"))
        }
        var projects: [ProjectRecord] = []
        var seenProjects: [ProjectKey: String] = [:]
        for project in selectedProjects {
            guard let instance = instances[project.instance] else {
                errors.append(AppInterfaceError(origin: project.origin,
                                                message: "project '\(project.name)': instance '\(project.instance)' is not declared"))
                continue
            }
            switch buildProject(project, instance: instance) {
            case .success(let record):
                if let first = seenProjects[record.key] {
                    errors.append(AppInterfaceError(origin: project.origin,
                                                    message: "project '\(project.name)': \(record.key) is also declared in \(first)"))
                }
                seenProjects[record.key] = project.origin
                projects.append(record)
            case .failure(let failure):
                errors += failure.errors
            }
        }
        errors += OrganizationCollisions.errors(in: selectedProjects)
        guard errors.isEmpty else { return .failure(BuildFailure(errors: errors)) }
        let instanceRecords = selectedInstances.map(\.record)
        return .success(Output(
            instances: instanceRecords.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) },
            projects: projects.sorted { [$0.instance, $0.organization, $0.project].lexicographicallyPrecedes(
                [$1.instance, $1.organization, $1.project], by: utf8Precedes) }))
    }

    private func buildProject(_ project: AppInterfaceModel.Project, instance: AppInterfaceModel.Instance)
        -> Result<ProjectRecord, BuildFailure>
    {
        var errors: [AppInterfaceError] = []
        func fail(_ origin: String, _ alert: String?, _ message: String) {
            let what = alert.map { "project '\(project.name)', alert '\($0)'" } ?? "project '\(project.name)'"
            errors.append(AppInterfaceError(origin: origin, message: "\(what): \(message)"))
        }
        var alerts: [AlertRecord] = []
        var names: Set<String> = []
        for alert in project.alerts {
            if alert.name == JiraBridge.alertName { fail(alert.origin, alert.name, Self.reservedNameMessage) }
            if !names.insert(alert.name).inserted {
                fail(alert.origin, alert.name, "alert name '\(alert.name)' is used twice in this project")
            }
            let quantity = positive(alert.quantity)
            let timespan = positive(alert.timespanMinutes)
            if quantity == nil { fail(alert.origin, alert.name, "quantity must be a positive integer, got \(alert.quantity.serialized())") }
            if timespan == nil {
                fail(alert.origin, alert.name, "timespanMinutes must be a positive integer, got \(alert.timespanMinutes.serialized())")
            }
            var recipients: [RecipientRecord] = []
            for recipient in alert.recipients {
                switch recipient {
                case .email(let url):
                    if let url, !url.isEmpty {
                        fail(alert.origin, alert.name, "url must be empty for email recipients")
                    }
                    recipients.append(RecipientRecord(type: "email", url: ""))
                case .webhook(let url, let secret):
                    if let url, !url.isEmpty {
                        recipients.append(RecipientRecord(type: "webhook", url: normalizedWebhookURL(url)))
                    } else if let secret, let value = secrets[secret], !value.isEmpty {
                        recipients.append(RecipientRecord(type: "webhook", url: normalizedWebhookURL(value)))
                    } else {
                        fail(alert.origin, alert.name, "url or urlSecret must be set for webhook recipient")
                    }
                case .unsupported(let provider):
                    fail(alert.origin, alert.name, "Unsupported type: recipient provider '\(provider)'")
                }
            }
            alerts.append(AlertRecord(name: alert.name, timespanMinutes: timespan ?? 0, quantity: quantity ?? 0,
                                      recipients: recipients))
        }
        if let jira = project.jira, let bridge = instance.jiraBridgeAlertURL {
            let token = instance.jiraBridgeToken.flatMap { secrets[$0] }
            do {
                let urls = try JiraBridge.urls(jira: jira, bridgeURL: bridge, token: token)
                if !urls.isEmpty {
                    alerts.append(AlertRecord(name: JiraBridge.alertName, timespanMinutes: 1, quantity: 1,
                                              recipients: urls.map { RecipientRecord(type: "webhook", url: normalizedWebhookURL($0)) }))
                }
            } catch {
                fail(project.origin, nil, error.message)
            }
        }
        var webhooks: Set<String> = []
        for alert in alerts {
            let origin = project.alerts.first { $0.name == alert.name }?.origin ?? project.origin
            for recipient in alert.recipients where recipient.type == "webhook" {
                if !webhooks.insert(recipient.url).inserted {
                    fail(project.origin, alert.name, Self.uniqueWebhookMessage)
                }
                // The URL itself is not shown: it may come from a secret.
                let length = recipient.url.unicodeScalars.count
                if length > Self.maxRecipientURLLength {
                    fail(origin, alert.name, "a webhook URL is \(length) characters long; GlitchTip stores at most "
                        + "\(Self.maxRecipientURLLength) (it would create the alert without recipients and fail every later update)")
                }
            }
        }
        guard errors.isEmpty else { return .failure(BuildFailure(errors: errors)) }
        return .success(ProjectRecord(
            instance: project.instance, organization: project.organization,
            project: project.slug, name: project.name,
            alerts: alerts.map { $0.withSortedRecipients() }.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }))
    }

    private func positive(_ value: JSONValue) -> Int64? {
        if case .int(let i) = value, i >= 1 { return i }
        return nil
    }
}
