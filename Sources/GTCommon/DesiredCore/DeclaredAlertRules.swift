import AppInterface
import GTStreams

/// The violations of one project, each message naming the project (and the alert).
struct ProjectViolations {
    let project: AppInterfaceModel.Project
    private(set) var errors: [AppInterfaceError] = []

    init(project: AppInterfaceModel.Project) {
        self.project = project
    }

    mutating func fail(_ origin: String, _ alert: String?, _ message: String) {
        let what = alert.map { "project '\(project.name)', alert '\($0)'" } ?? "project '\(project.name)'"
        errors.append(AppInterfaceError(origin: origin, message: "\(what): \(message)"))
    }
}

extension DesiredProjectBuilder {
    /// A declared alert as a record, its recipients in declared order (docs/rules.md, "Desired
    /// state"). A violation is recorded and the alert still returned, so every violation of
    /// the project is found in one build; the record is dropped when there is any.
    static func declaredAlert(_ alert: AppInterfaceModel.Alert, firstOfItsName: Bool, secrets: [SecretRef: String],
                              bridgeAlert: BridgeAlertName, violations: inout ProjectViolations) -> AlertRecord {
        func fail(_ message: String) { violations.fail(alert.origin, alert.name, message) }
        if alert.name == JiraBridge.alertName, bridgeAlert == .reserved { fail(reservedNameMessage) }
        if !firstOfItsName { fail("alert name '\(alert.name)' is used twice in this project") }
        let quantity = alertSetting(alert.quantity, "quantity", fail)
        let timespan = alertSetting(alert.timespanMinutes, "timespanMinutes", fail)
        var recipients: [RecipientRecord] = []
        for recipient in alert.recipients {
            switch recipient {
            case .email(let url):
                if let url, !url.isEmpty { fail("url must be empty for email recipients") }
                recipients.append(RecipientRecord(type: "email", url: ""))
            case .webhook(let url, let secret):
                if let url, !url.isEmpty {
                    // Declared in the datafile: shown redacted, as in the plan.
                    switch webhookRecipient(url, shownAs: "a webhook URL (\(RedactedURL.display(url)))") {
                    case .success(let recipient): recipients.append(recipient)
                    case .failure(let refused): fail(refused.message)
                    }
                } else if let secret, let value = secrets[secret], !value.isEmpty {
                    // From a secret: named by its reference, never shown.
                    switch webhookRecipient(value, shownAs: "the webhook URL in secret \(secret)") {
                    case .success(let recipient): recipients.append(recipient)
                    case .failure(let refused): fail(refused.message)
                    }
                } else {
                    fail("url or urlSecret must be set for webhook recipient")
                }
            case .unsupported(let provider):
                fail("Unsupported type: recipient provider '\(provider)'")
            }
        }
        return AlertRecord(name: alert.name, timespanMinutes: timespan ?? 0, quantity: quantity ?? 0, recipients: recipients)
    }

    /// A webhook recipient with its URL as GlitchTip stores it, or the message refusing the URL
    /// (docs/rules.md, "Webhook URLs").
    /// `name` is made only for a refusal (redacting costs more than normalising a plain URL).
    static func webhookRecipient(_ url: String, shownAs name: @autoclosure () -> String) -> Result<RecipientRecord, RefusedURL> {
        do {
            return .success(RecipientRecord(type: "webhook", url: try normalizedWebhookURL(url)))
        } catch {
            return .failure(RefusedURL(message: "\(name()) cannot be used: \(error.reason)"))
        }
    }

    struct RefusedURL: Error {
        let message: String
    }

    /// Every webhook URL of the project once (the bridge's included, even within one alert),
    /// and each within GlitchTip's column (docs/architecture.md, "Recipient URL length").
    static func checkWebhooks(of alerts: [AlertRecord], in project: AppInterfaceModel.Project,
                              violations: inout ProjectViolations) {
        var webhooks: Set<String> = []
        for alert in alerts {
            let origin = project.alerts.first { $0.name == alert.name }?.origin ?? project.origin
            for recipient in alert.recipients where recipient.type == "webhook" {
                if !webhooks.insert(recipient.url).inserted {
                    violations.fail(project.origin, alert.name, uniqueWebhookMessage)
                }
                // The URL itself is not shown: it may come from a secret.
                let length = recipient.url.unicodeScalars.count
                if length > maxRecipientURLLength {
                    violations.fail(origin, alert.name, "a webhook URL is \(length) characters long; GlitchTip stores at most "
                        + "\(maxRecipientURLLength) (it would create the alert without recipients and fail every later update)")
                }
            }
        }
    }

    /// A declared `quantity` or `timespanMinutes`: an integer from 1 to 32767, what GlitchTip's
    /// column holds (docs/rules.md, "Numbers"); nil, with the violation recorded, otherwise.
    private static func alertSetting(_ value: JSONValue, _ name: String, _ fail: (String) -> Void) -> Int64? {
        guard case .int(let i) = value, i >= 1 else {
            // YAML's `.inf` and `.nan` have no JSON form: shown as written.
            let shown = if case .double(let d) = value, !d.isFinite { d.description } else { value.serialized() }
            fail("\(name) must be a positive integer, got \(shown)")
            return nil
        }
        guard i <= NumberRange.alertSetting.upperBound else {
            fail("\(name) must be at most \(NumberRange.alertSetting.upperBound) (GlitchTip stores a small integer), got \(i)")
            return nil
        }
        return i
    }
}
