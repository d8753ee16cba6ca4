import AppInterface
import GTStreams

/// Two App-Interface organizations of one instance that GlitchTip would see as one.
///
/// gt-current matches an organization by its name, else by the slug `slugify(name)`
/// (docs/architecture.md, "Organization matching"). So `Acme` (matched by name) and `acme`
/// (matched by slug) both resolve to the GlitchTip organization `Acme`/`acme`; a project slug
/// declared under both is one GlitchTip project with two desired states, and every run would
/// delete what the other declares and create it again. Such a pair is refused, naming both
/// project datafiles.
///
/// Fed one project at a time; it keeps, per project key, only the organization name and the
/// origin of the first declaration.
public struct OrganizationCollisions: Sendable {
    private struct FirstDeclaration: Sendable {
        let organization: String
        let origin: String
    }

    // Keyed on the organization as GlitchTip would see it: the slug of its name.
    private var first: [ProjectKey: FirstDeclaration] = [:]

    public init() {}

    /// The collision `project` makes with a project added before, if any.
    public mutating func add(_ project: AppInterfaceModel.Project) -> AppInterfaceError? {
        let key = ProjectKey(instance: project.instance, organization: slugify(project.organization), project: project.slug)
        guard let earlier = first[key] else {
            first[key] = FirstDeclaration(organization: project.organization, origin: project.origin)
            return nil
        }
        // The same organization name twice is the same GlitchTip organization by name:
        // `DuplicateProjectKeys` reports it.
        guard earlier.organization != project.organization else { return nil }
        return AppInterfaceError(origin: project.origin, message:
            "project '\(project.name)': organizations '\(earlier.organization)' and '\(project.organization)' of instance "
            + "'\(project.instance)' resolve to the same GlitchTip organization (slug '\(key.organization)'), and both "
            + "declare project '\(project.slug)' (also declared in \(earlier.origin)); rename one organization or project")
    }
}

extension OrganizationCollisions {
    /// The (instance, organization slug) pairs that more than one organization name of
    /// `organizations` shares: only their projects can collide, so only they need checking.
    public static func sharedSlugs(of organizations: [(instance: String, organization: String)]) -> Set<[String]> {
        var names: [[String]: Set<String>] = [:]
        for (instance, organization) in organizations { names[[instance, slugify(organization)], default: []].insert(organization) }
        return Set(names.filter { $0.value.count > 1 }.keys)
    }
}
