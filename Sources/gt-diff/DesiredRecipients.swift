import GTCommon

/// The recipients a desired alert may have, as the reference's request model accepts them
/// (docs/streams.md, "Recipients of a desired alert"): an e-mail recipient has an empty `url`;
/// every other one (webhook, and the types only GlitchTip's UI makes) a non-empty one.
/// gt-desired never writes anything else, but a hand-written or filtered stream may: planned,
/// GlitchTip would refuse the empty URL and store the e-mail one.
enum DesiredRecipients {
    /// Throws, naming the project and the alert, at the first recipient that breaks the rule.
    /// The URL itself is never quoted: it may carry a secret.
    static func check(_ project: ProjectRecord) throws(JSONFieldError) {
        for alert in project.alerts {
            for recipient in alert.recipients {
                let problem: String
                switch (recipient.type == "email", recipient.url.isEmpty) {
                case (true, false): problem = "an email recipient must have an empty url"
                case (false, true): problem = "a \(recipient.type) recipient needs a url (it is missing or empty)"
                default: continue
                }
                throw JSONFieldError(path: "", message: "project \(project.key), alert '\(alert.name)': \(problem); "
                                     + "the reference refuses such a recipient (HTTP 422)")
            }
        }
    }
}
