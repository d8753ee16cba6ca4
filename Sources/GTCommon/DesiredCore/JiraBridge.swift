import AppInterface
import GTStreams

/// The Glitchtip-Jira-Bridge alert (docs/rules.md, "The Jira bridge alert"): one webhook to the bridge
/// per Jira target, with labels, components, token and issue type as form-encoded query
/// parameters in that order.
public enum JiraBridge {
    public static let alertName = "Glitchtip-Jira-Bridge-Integration"

    /// Integrations whose name in a board's `disable.integrations` turns the bridge off for it.
    public static let disablingIntegrations: Set<String> = [
        "glitchtip-project-alerts", "glitchtip-project-alerts-api", "jira-permissions-validator",
    ]

    public static let missingTarget = "Jira integration requires either project or escalation policy to be set"

    /// The bridge URLs for a project's Jira settings: one for `jira.project`, else one per
    /// enabled board of the escalation policy (possibly none).
    public static func urls(jira: AppInterfaceModel.Jira, bridgeURL: String, token: String?) throws(RuleViolation) -> [String] {
        let tokenParameter = token.flatMap { $0.isEmpty ? nil : [("token", $0)] } ?? []
        if let project = jira.project {
            let parameters = jira.labels.map { ("labels", $0) } + jira.components.map { ("components", $0) } + tokenParameter
            return ["\(bridgeURL)/\(project)?\(formEncode(parameters))"]
        }
        guard let policy = jira.escalationPolicy, !policy.jiraBoards.isEmpty else { throw RuleViolation(missingTarget) }
        return policy.jiraBoards.filter { disablingIntegrations.isDisjoint(with: $0.disabledIntegrations) }.map { board in
            var parameters = (jira.labels + policy.jiraLabels).map { ("labels", $0) }
                + policy.jiraComponents.map { ("components", $0) } + tokenParameter
            if let issueType = board.issueType { parameters.append(("issue_type", issueType)) }
            return "\(bridgeURL)/\(board.name)?\(formEncode(parameters))"
        }
    }

    /// Python's `urlencode(…, doseq=True)`: `quote_plus` on keys and values.
    public static func formEncode(_ parameters: [(String, String)]) -> String {
        parameters.map { "\(quotePlus($0.0))=\(quotePlus($0.1))" }.joined(separator: "&")
    }

    public static func quotePlus(_ text: String) -> String {
        PercentEncoding.encode(text, keeping: PercentEncoding.isUnreserved, spaceAsPlus: true)
    }
}

/// A broken rule, in the seed's words where it has them.
public struct RuleViolation: Error, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}
