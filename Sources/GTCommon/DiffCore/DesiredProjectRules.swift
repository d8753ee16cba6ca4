import GTStreams

/// What a desired project record must satisfy before it is planned: rules gt-desired already
/// enforces, checked again because a hand-written or filtered desired stream reaches gt-diff
/// too. Each broken rule refuses the record, naming the project and the alert.
public enum DesiredProjectRules {
    public static func check(_ project: ProjectRecord) throws(JSONFieldError) {
        var names: Set<String> = []
        for alert in project.alerts {
            func refuse(_ problem: String) -> JSONFieldError {
                JSONFieldError(path: "", message: "project \(project.key), alert '\(alert.name)': \(problem)")
            }
            // Alerts match by name: a second one would be a second create of the same alert
            // (docs/streams.md, "One record per key").
            if !names.insert(alert.name).inserted { throw refuse("the alert is declared twice in this project") }
            // Null is GlitchTip's "uptime only": a declared alert planned with it would never fire.
            if alert.quantity == nil { throw refuse("a desired alert needs quantity (an integer)") }
            if alert.timespanMinutes == nil { throw refuse("a desired alert needs timespan_minutes (an integer)") }
            if let problem = recipientProblem(alert) {
                throw refuse("\(problem); the reference refuses such a recipient (HTTP 422)")
            }
            if let problem = urlFormProblem(alert) { throw refuse(problem) }
        }
    }

    /// The recipients a desired alert may have, as the reference's request model accepts them
    /// (docs/streams.md, "Recipients of a desired alert"): an e-mail recipient has an empty
    /// `url`; every other one (webhook, and the types only GlitchTip's UI makes) a non-empty
    /// one. Planned, GlitchTip would refuse the empty URL and store the e-mail one. The URL is
    /// never quoted: it may carry a secret.
    private static func recipientProblem(_ alert: AlertRecord) -> String? {
        for recipient in alert.recipients {
            switch (recipient.type == "email", recipient.url.isEmpty) {
            case (true, false): return "an email recipient must have an empty url"
            case (false, true): return "a \(recipient.type) recipient needs a url (it is missing or empty)"
            default: continue
            }
        }
        return nil
    }

    /// A recipient URL must be written as GlitchTip stores it (docs/rules.md, "Webhook URLs"):
    /// GlitchTip answers with its own form, so any other would be planned as a change on every
    /// run, and one GlitchTip would refuse or read otherwise must not be sent at all.
    private static func urlFormProblem(_ alert: AlertRecord) -> String? {
        for recipient in alert.recipients where recipient.type != "email" {
            do {
                if try normalizedWebhookURL(recipient.url) != recipient.url {
                    return "a \(recipient.type) recipient's url is not written as GlitchTip stores it (gt-desired writes "
                        + "that form; any other shows as changed on every run)"
                }
            } catch {
                return "a \(recipient.type) recipient's url cannot be used: \(error.reason)"
            }
        }
        return nil
    }
}
