import AppInterface
import DesiredCore
import DiffCore
import GTStreams

/// One project's live alerts that App-Interface does not declare, turned into declarations
/// (docs/adoption.md). Pure: the project as App-Interface has it, its current record and the
/// secret values its declared alerts need in; the alerts to declare and the ones left out,
/// with why, out.
///
/// The rules are gt-desired's own: each candidate is added to the declared project and built by
/// ``DesiredProjectBuilder`` (a reserved name, a duplicate, a URL GlitchTip cannot store, a
/// webhook URL used twice: left out with gt-desired's message), and the result is planned by
/// ``AlertPlanner`` against the current record: an alert that would still be created, updated
/// or deleted once declared is left out too. So what is adopted plans nothing, by construction.
public enum AlertAdoption {
    /// `declared` is nil for a project that has no datafile: it is adopted into a new one.
    public static func adopt(current: ProjectRecord, declared: AppInterfaceModel.Project?,
                             instance: AppInterfaceModel.Instance, secrets: [SecretRef: String],
                             settings: AdoptionSettings) -> Result<ProjectAdoption, DesiredBuildFailure> {
        let base = declared ?? newProject(for: current)
        let desired: ProjectRecord
        switch DesiredProjectBuilder.build(base, instance: instance, secrets: secrets) {
        case .success(let record): desired = record
        case .failure(let failure): return .failure(failure)
        }
        let declaredNames = Set(desired.alerts.map(\.name))
        let undeclared = current.alerts.filter { !declaredNames.contains($0.name) }
            .sorted { $0.name != $1.name ? utf8Precedes($0.name, $1.name) : ($0.pk ?? 0) < ($1.pk ?? 0) }
        var leftOut: [LeftOutAlert] = []
        let path = settings.secretPath.map { vaultPath($0, current) }
        var fields = SecretFields(declared: base, path: path.flatMap { AdoptionSettings.isPlainVaultPath($0) ? $0 : nil })
        var candidates: [Candidate] = []
        let counts = Dictionary(undeclared.map { ($0.name, 1) }, uniquingKeysWith: +)
        for alert in undeclared {
            if let path, !AdoptionSettings.isPlainVaultPath(path), alert.recipients.contains(where: { $0.type == "webhook" && CredentialURL.carriesCredential($0.url) }) {
                leftOut.append(LeftOutAlert(name: alert.name, pk: alert.pk, reason: "its webhook URL carries a credential, and the project's "
                    + "Vault path '\(path)' is not a plain path (letters, digits, -, _ and . between slashes)"))
                continue
            }
            switch candidate(alert, count: counts[alert.name] ?? 1, current: current, settings: settings, fields: &fields) {
            case .success(let made): candidates.append(made)
            case .failure(let reason): leftOut.append(LeftOutAlert(name: alert.name, pk: alert.pk, reason: reason.message))
            }
        }
        var accepted = screen(candidates, base: base, desired: desired, instance: instance, secrets: secrets, leftOut: &leftOut)
        if case .failure = build(base, accepted, instance: instance, secrets: secrets) {
            // Not expected (each rule was checked on its own above): then one candidate at a
            // time against everything accepted before it, which is exact but slower.
            accepted = []
            for made in candidates where !leftOut.contains(where: { $0.pk == made.adopted.pk }) {
                switch build(base, accepted + [made], instance: instance, secrets: secrets) {
                case .success: accepted.append(made)
                case .failure(let failure):
                    leftOut.append(LeftOutAlert(name: made.adopted.name, pk: made.adopted.pk,
                                                reason: failure.errors.map { reason($0, base) }.joined(separator: "; ")))
                }
            }
        }
        // Anything the planner would still touch once declared is left out, until nothing is.
        while case .success(let record) = build(base, accepted, instance: instance, secrets: secrets) {
            let names = Set(accepted.map(\.adopted.name))
            let touched = AlertPlanner.plan(desired: record, current: current).filter { names.contains($0.alertName) }
            guard !touched.isEmpty else { break }
            for action in touched where accepted.contains(where: { $0.adopted.name == action.alertName }) {
                let made = accepted.first { $0.adopted.name == action.alertName }!
                leftOut.append(LeftOutAlert(name: made.adopted.name, pk: made.adopted.pk, reason:
                    "declared as GlitchTip holds it, gt-diff would still plan to \(action.type.rawValue) it "
                    + "(GlitchTip holds a form gt-desired does not write); declare it by hand"))
                accepted.removeAll { $0.adopted.name == action.alertName }
            }
        }
        return .success(ProjectAdoption(key: current.key, adopted: accepted.map(\.adopted),
                                        leftOut: leftOut.sorted { utf8Precedes($0.name, $1.name) }))
    }

    /// gt-desired's rules on each candidate: those of one alert, built alone (a bad number, a URL
    /// GlitchTip cannot store), then the project's unique webhook URLs, against the desired
    /// record's (the bridge's included) and the candidates accepted before it. Linear in the
    /// candidates, where building the project again for each would be cubic.
    private static func screen(_ candidates: [Candidate], base: AppInterfaceModel.Project, desired: ProjectRecord,
                               instance: AppInterfaceModel.Instance, secrets: [SecretRef: String],
                               leftOut: inout [LeftOutAlert]) -> [Candidate] {
        var webhooks = Set(desired.alerts.flatMap { $0.recipients.filter { $0.type == "webhook" }.map(\.url) })
        var alone = base
        alone.jira = nil
        var accepted: [Candidate] = []
        for made in candidates {
            switch build(alone, [made], instance: instance, secrets: secrets, declared: false) {
            case .failure(let failure):
                leftOut.append(LeftOutAlert(name: made.adopted.name, pk: made.adopted.pk,
                                            reason: failure.errors.map { reason($0, base) }.joined(separator: "; ")))
            case .success(let record):
                let urls = record.alerts.flatMap { $0.recipients.filter { $0.type == "webhook" }.map(\.url) }
                if urls.contains(where: webhooks.contains) {
                    leftOut.append(LeftOutAlert(name: made.adopted.name, pk: made.adopted.pk, reason: DesiredProjectBuilder.uniqueWebhookMessage))
                } else {
                    webhooks.formUnion(urls)
                    accepted.append(made)
                }
            }
        }
        return accepted
    }

    struct Candidate {
        let adopted: AdoptedAlert
        let model: AppInterfaceModel.Alert
    }

    struct Refusal: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// The Vault path of a project's adopted webhook URLs (docs/adoption.md, "Secrets").
    static func vaultPath(_ prefix: String, _ current: ProjectRecord) -> String {
        "\(prefix)/\(current.instance)/\(current.organizationSlug ?? slugify(current.organization))/\(current.project)"
    }

    static func newProject(for current: ProjectRecord) -> AppInterfaceModel.Project {
        AppInterfaceModel.Project(name: current.name, projectID: slugify(current.name) == current.project ? nil : current.project,
                                  organization: current.organization, instance: current.instance, alerts: [], jira: nil,
                                  origin: "a new datafile")
    }

    private static func candidate(_ alert: AlertRecord, count: Int, current: ProjectRecord, settings: AdoptionSettings,
                                  fields: inout SecretFields) -> Result<Candidate, Refusal> {
        if alert.name.isEmpty {
            return .failure(Refusal("it has no name, and App-Interface declares an alert by its name (name it in GlitchTip, then adopt again)"))
        }
        if count > 1 {
            return .failure(Refusal("GlitchTip holds \(count) alerts named '\(alert.name)' in this project and App-Interface declares a "
                + "name once (rename or delete the others in GlitchTip, then adopt again)"))
        }
        if alert.name == JiraBridge.alertName {
            return .failure(Refusal(DesiredProjectBuilder.reservedNameMessage
                + " gt makes this alert from the project's jira settings, which this project does not have."))
        }
        guard let quantity = alert.quantity, let timespan = alert.timespanMinutes else {
            return .failure(Refusal("it is an uptime-only alert (no quantity or timespan), and App-Interface declares alerts on event counts only"))
        }
        guard let pk = alert.pk else { return .failure(Refusal("it has no pk in the current stream")) }
        var recipients: [AdoptedRecipient] = []
        var models: [AppInterfaceModel.Recipient] = []
        var seen: Set<RecipientIdentity> = []
        for recipient in alert.withSortedRecipients().recipients where seen.insert(recipient.identity).inserted {
            switch recipient.type {
            case "email":
                recipients.append(.email)
                models.append(.email(url: nil))
            case "webhook" where !CredentialURL.carriesCredential(recipient.url):
                recipients.append(.webhook(url: recipient.url))
                models.append(.webhook(url: recipient.url, urlSecret: nil))
            case "webhook":
                guard let ref = fields.next(for: alert.name) else {
                    return .failure(Refusal("its webhook URL (\(RedactedURL.display(recipient.url))) carries a credential, which never goes "
                        + "into a datafile: give --secret-path PREFIX to keep it in Vault"))
                }
                recipients.append(.webhookSecret(ref, value: recipient.url))
                models.append(.webhook(url: nil, urlSecret: ref))
            default:
                return .failure(Refusal("its recipient of type '\(recipient.type)' has no App-Interface provider "
                    + "(email-project-members, webhook)"))
            }
        }
        let adopted = AdoptedAlert(name: alert.name, pk: pk, description: settings.description(instance: current.instance, pk: pk),
                                   quantity: quantity, timespanMinutes: timespan, recipients: recipients)
        let model = AppInterfaceModel.Alert(name: alert.name, quantity: .int(quantity), timespanMinutes: .int(timespan),
                                            recipients: models, origin: "GlitchTip \(current.instance), alert pk \(pk)")
        return .success(Candidate(adopted: adopted, model: model))
    }

    /// `base` with `adopted` added (or, `declared: false`, `adopted` alone), built by gt-desired's rules.
    private static func build(_ base: AppInterfaceModel.Project, _ adopted: [Candidate], instance: AppInterfaceModel.Instance,
                              secrets: [SecretRef: String], declared: Bool = true) -> Result<ProjectRecord, DesiredBuildFailure> {
        var project = base
        project.alerts = (declared ? base.alerts : []) + adopted.map(\.model)
        var all = secrets
        for made in adopted {
            for case .webhookSecret(let ref, let value) in made.adopted.recipients { all[ref] = value }
        }
        return DesiredProjectBuilder.build(project, instance: instance, secrets: all)
    }

    /// gt-desired's message without the project and alert it names first (the report names them).
    private static func reason(_ error: AppInterfaceError, _ project: AppInterfaceModel.Project) -> String {
        guard let colon = error.message.range(of: "': ") else { return error.message }
        return error.message.hasPrefix("project '\(project.name)'") ? String(error.message[colon.upperBound...]) : error.message
    }
}
