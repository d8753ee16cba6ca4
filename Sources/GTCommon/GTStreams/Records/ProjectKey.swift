/// Which project something is about: the instance, the organization and the project's slug.
/// The one key every tool pairs, groups, orders, caches and names projects by (docs/streams.md,
/// "One record per key").
///
/// `organization` is whichever spelling the caller works in: App-Interface's organization name
/// in the desired and current streams and in plans, GlitchTip's organization slug for API paths,
/// cache entries and the actions gt-apply groups (``ActionRecord/apiProjectKey``).
public struct ProjectKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let instance: String
    public let organization: String
    public let project: String

    public init(instance: String, organization: String, project: String) {
        self.instance = instance
        self.organization = organization
        self.project = project
    }

    /// `instance/organization/project`, how messages name a project.
    public var description: String { "\(instance)/\(organization)/\(project)" }

    /// Stream order (docs/streams.md): by instance, then organization, then project, each
    /// compared by its UTF-8 bytes. Not the order of ``description``: `/` sorts after `-` and `.`.
    public static func < (a: ProjectKey, b: ProjectKey) -> Bool {
        func precedes(_ x: String, _ y: String) -> Bool? {
            x.utf8.elementsEqual(y.utf8) ? nil : x.utf8.lexicographicallyPrecedes(y.utf8)
        }
        return precedes(a.instance, b.instance) ?? precedes(a.organization, b.organization) ?? precedes(a.project, b.project) ?? false
    }
}

extension ProjectRecord {
    /// The project's key, organization as the record names it.
    public var key: ProjectKey { ProjectKey(instance: instance, organization: organization, project: project) }
}

extension ActionRecord {
    /// The project as the plan names it (App-Interface's organization): plan order, messages.
    public var projectKey: ProjectKey { ProjectKey(instance: instance, organization: organization, project: project) }

    /// The project as GlitchTip's API names it (``apiOrganization``): requests, cache entries.
    public var apiProjectKey: ProjectKey { ProjectKey(instance: instance, organization: apiOrganization, project: project) }
}
