import GTStreams
import GTGlitchTip

/// A plan's organizations checked against a fresh listing of one instance (docs/safety.md,
/// "The organization mapping is read fresh"). An action carries the App-Interface organization
/// (`organization`) and the GlitchTip organization gt-current resolved it to
/// (`organization_slug`), from a listing that may have come from the cache or an edited plan.
/// By gt-current's own rule (``OrganizationMatcher``: by name, else by slug; a name GlitchTip
/// gives several is never guessed; two App-Interface organizations resolving to one and
/// declaring a project in common are both refused), the organization must still resolve to
/// that slug, or the action is a stale plan. Pure.
public struct OrganizationMapping: Sendable {
    /// App-Interface organization name → the slug it resolves to now (none: absent).
    private let slugs: [String: String]
    /// App-Interface organization name → why none of its actions may be applied, though it may
    /// resolve: a name GlitchTip gives several organizations, a collision.
    private let refusals: [String: String]

    /// - Parameters:
    ///   - organizations: the instance's organizations, listed fresh.
    ///   - managed: App-Interface organization name → the slugs of its projects, for the
    ///     collision rule (as gt-current uses them); the plan's own projects are added to it.
    ///   - actions: the instance's actions.
    public init(organizations: [GlitchTipOrganization], managed: [String: [String]], actions: [ActionRecord]) {
        var projects = managed.mapValues(Set.init)
        for action in actions { projects[action.organization, default: []].insert(action.project) }
        let matcher = OrganizationMatcher(organizations)
        var slugs: [String: String] = [:]
        var refusals: [String: String] = [:]
        var targets: [(name: String, slug: String, projects: [String])] = []
        for (name, declared) in projects {
            switch matcher.resolve(name) {
            case .organization(let organization):
                slugs[name] = organization.slug
                targets.append((name, organization.slug, Array(declared)))
            case .sharedName(let shared):
                refusals[name] = OrganizationMatcher.sharedNameRefusal(name, slugs: shared)
            case .none:
                break
            }
        }
        refusals.merge(OrganizationMatcher.collisions(targets)) { $1 }
        self.slugs = slugs
        self.refusals = refusals
    }

    /// Why `action` must not be applied, or nil when its organization resolves as planned.
    public func refusal(_ action: ActionRecord) -> String? {
        let (name, planned) = (action.organization, action.apiOrganization)
        guard let slug = slugs[name] else {
            if let refusal = refusals[name] { return "stale plan: \(refusal)" }
            return "stale plan: App-Interface organization '\(name)' no longer resolves to a GlitchTip organization, "
                + "planned '\(planned)'"
        }
        if slug != planned {
            return "stale plan: App-Interface organization '\(name)' now resolves to GlitchTip organization '\(slug)', "
                + "planned '\(planned)'"
        }
        return refusals[name].map { "stale plan: \($0)" }
    }
}
