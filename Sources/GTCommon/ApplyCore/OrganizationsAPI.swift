import GTStreams
import GTGlitchTip
import GTHTTP

/// The one GlitchTip call gt-apply makes per instance beside a project's alerts: the
/// instance's organizations, listed fresh before its first change (docs/safety.md, "The
/// organization mapping is read fresh"). `GlitchTipClient` is the real one.
public protocol OrganizationsAPI: Sendable {
    /// Every page of the organizations listing as the server sent it (trimmed to the fields
    /// gt reads, as gt-current caches it), never from a cache; a listing that does not add up
    /// is an error (docs/safety.md, "A listing must add up").
    func organizationItems() async throws(HTTPError) -> [JSONValue]
}

extension GlitchTipClient: OrganizationsAPI {
    public func organizationItems() async throws(HTTPError) -> [JSONValue] {
        try await items(of: .organizations)
    }
}
