import GTStreams
import GTGlitchTip

/// An instance's current stream laid out in order before anything is fetched (docs/streams.md,
/// "Order"): one part per organization by name (its `missing` records, its refusal, or its
/// projects to fetch), and within an organization one item per project by slug (its `missing`
/// records, or the project to fetch). Pure.
public struct OrganizationParts: Sendable {
    public struct Target: Sendable {
        public let name: String
        public let organization: GlitchTipOrganization
        /// The managed slugs (sorted), or nil for every project (`--all-projects`).
        public let projects: [String]?
    }

    public enum Part: Sendable {
        case records([EncodedRecord])
        case fetch(Target)
    }

    public enum Item: Sendable {
        case records([EncodedRecord])
        case project(GlitchTipProject)
    }

    public let instance: String
    /// App-Interface organization name → the slugs of its managed projects.
    public let managed: [String: [String]]
    public let allProjects: Bool

    public init(instance: String, managed: [String: [String]], allProjects: Bool) {
        self.instance = instance
        self.managed = managed
        self.allProjects = allProjects
    }

    public func parts(of organizations: [GlitchTipOrganization]) -> [Part] {
        var parts: [(name: String, part: Part)] = []
        var targets: [Target] = []
        // GlitchTip keeps slugs unique, not names; the streams name an organization by its name.
        let matcher = OrganizationMatcher(organizations)
        func refusal(_ name: String, _ message: String) -> (name: String, part: Part) {
            (name, .records([EncodedRecord(NoticeRecord(.error, instance: instance, organization: name,
                                                        message: "\(instance)/\(name): \(message)").json)]))
        }
        if allProjects {
            targets = organizations.filter { matcher.sharedNames[$0.name] == nil }
                .map { Target(name: $0.name, organization: $0, projects: nil) }
            for (name, slugs) in matcher.sharedNames {
                let quoted = slugs.map { "'\($0)'" }.joined(separator: ", ")
                parts.append(refusal(name, "GlitchTip has \(slugs.count) organizations named '\(name)' (slugs \(quoted)); "
                    + "the stream names an organization by its name, so none of them is listed"))
            }
        } else {
            for (name, projects) in managed {
                switch matcher.resolve(name) {
                case .sharedName(let slugs):
                    parts.append(refusal(name, OrganizationMatcher.sharedNameRefusal(name, slugs: slugs)))
                case .organization(let organization):
                    targets.append(Target(name: name, organization: organization, projects: projects.sorted(by: utf8Precedes)))
                case .none:
                    parts.append((name, .records([
                        EncodedRecord(MissingRecord(instance: instance, organization: name).json),
                        EncodedRecord(NoticeRecord(.warning, instance: instance, organization: name,
                                                   message: "Organization '\(name)' not found in instance '\(instance)', skipping").json),
                    ])))
                }
            }
        }
        let collisions = OrganizationMatcher.collisions(targets.map { ($0.name, $0.organization.slug, $0.projects ?? []) })
        for target in targets {
            if let message = collisions[target.name] {
                parts.append((target.name, .records([EncodedRecord(NoticeRecord(
                    .error, instance: instance, organization: target.name, message: "\(instance)/\(target.name): \(message)").json)])))
            } else {
                parts.append((target.name, .fetch(target)))
            }
        }
        // One part per name (a shared name is refused above), so the order is total.
        return parts.sorted { utf8Precedes($0.name, $1.name) }.map(\.part)
    }

    /// The items of one organization, by slug: a managed slug GlitchTip does not have is a
    /// `missing` record and its warning.
    public static func items(name: String, projects: [GlitchTipProject], managed: [String]?, instance: String) -> [Item] {
        let bySlug = Dictionary(projects.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
        let slugs = managed ?? Array(Set(projects.map(\.slug)))
        return slugs.sorted(by: utf8Precedes).map { slug in
            guard let project = bySlug[slug] else {
                return .records([
                    EncodedRecord(MissingRecord(instance: instance, organization: name, project: slug).json),
                    EncodedRecord(NoticeRecord(.warning, instance: instance, organization: name, project: slug,
                                               message: "Project '\(slug)' not found in org '\(name)', skipping").json),
                ])
            }
            return .project(project)
        }
    }
}
