import GTStreams
import GTGlitchTip
import GTHTTP

/// The GlitchTip calls gt-apply makes on one project's alerts, and nothing else
/// (docs/rules.md, "Applying"): list them fresh, create, update, delete. `GlitchTipClient`
/// is the real one; tests put an in-memory GlitchTip behind it and watch every call.
public protocol ProjectAlertsAPI: Sendable {
    /// The project's alerts as the server sent them (every page), never from a cache: what the
    /// cache is then given in place of its entry.
    func alertItems(organization: String, project: String) async throws(HTTPError) -> [JSONValue]
    /// The project's alerts, decoded (a listing that cannot be decoded is `badJSON`).
    func alerts(organization: String, project: String) async throws(HTTPError) -> [GlitchTipAlert]
    /// One POST, never retried: a lost answer may hide a created alert (docs/safety.md).
    func createAlert(organization: String, project: String, body: GlitchTipAlertBody) async throws(HTTPError) -> GlitchTipAlert
    /// The full alert, by pk.
    func updateAlert(organization: String, project: String, pk: Int64, body: GlitchTipAlertBody) async throws(HTTPError) -> GlitchTipAlert
    func deleteAlert(organization: String, project: String, pk: Int64) async throws(HTTPError) -> GlitchTipClient.DeleteOutcome
}

extension GlitchTipClient: ProjectAlertsAPI {
    public func alertItems(organization: String, project: String) async throws(HTTPError) -> [JSONValue] {
        try await items(of: .alerts(organization: organization, project: project))
    }
}
