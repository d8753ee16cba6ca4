import GTStreams

/// Which GlitchTip organization an App-Interface organization is (docs/architecture.md,
/// "Organization matching"), in one organizations listing: the one with its name, else the one
/// whose slug is `slugify(name)`. gt-current lays out its stream by it; gt-apply checks a plan
/// against a fresh listing by it (docs/safety.md, "The organization mapping is read fresh"), so
/// the two can never disagree on the rule. Here, beside the listing it reads, so both cores use it.
public struct OrganizationMatcher: Sendable {
    public enum Resolution: Sendable, Equatable {
        case organization(GlitchTipOrganization)
        /// GlitchTip has two or more organizations of this name (their slugs): never guessed.
        case sharedName(slugs: [String])
        case none
    }

    /// Names GlitchTip gives two or more organizations (it keeps slugs unique, not names) →
    /// their slugs, in UTF-8 order.
    public let sharedNames: [String: [String]]
    private let byName: [String: GlitchTipOrganization]
    private let bySlug: [String: GlitchTipOrganization]

    public init(_ organizations: [GlitchTipOrganization]) {
        byName = Dictionary(organizations.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        bySlug = Dictionary(organizations.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
        sharedNames = Dictionary(grouping: organizations, by: \.name).filter { $0.value.count > 1 }
            .mapValues { $0.map(\.slug).sorted(by: utf8Precedes) }
    }

    public func resolve(_ name: String) -> Resolution {
        if let slugs = sharedNames[name] { return .sharedName(slugs: slugs) }
        guard let organization = byName[name] ?? bySlug[slugify(name)] else { return .none }
        return .organization(organization)
    }

    /// Why an organization whose name GlitchTip gives several is not read (gt-current's error,
    /// gt-apply's stale plan).
    public static func sharedNameRefusal(_ name: String, slugs: [String]) -> String {
        "GlitchTip has \(slugs.count) organizations named '\(name)' (slugs \(slugs.map { "'\($0)'" }.joined(separator: ", "))); "
            + "refusing to guess which one App-Interface means: rename all but one in GlitchTip"
    }

    /// The App-Interface organizations that resolve to one GlitchTip organization and declare a
    /// project slug in common, each with the message that refuses it. gt-desired refuses the
    /// pairs it can see (names that slugify alike); this catches the rest, such as a GlitchTip
    /// organization renamed since its slug was made (one matches by name, the other by slug).
    /// Two desired states for one GlitchTip project would delete and recreate each other's
    /// alerts on every run, so neither organization is read.
    public static func collisions(_ targets: [(name: String, slug: String, projects: [String])]) -> [String: String] {
        var refused: [String: String] = [:]
        let bySlug = Dictionary(grouping: targets, by: \.slug)
        for (slug, group) in bySlug where group.count > 1 {
            for target in group {
                for other in group where other.name != target.name {
                    let shared = Set(target.projects).intersection(other.projects).sorted()
                    guard !shared.isEmpty else { continue }
                    refused[target.name] = "App-Interface organizations '\(target.name)' and '\(other.name)' both resolve to "
                        + "GlitchTip organization '\(slug)' and both declare project '\(shared.joined(separator: "', '"))'; "
                        + "refusing both: give each organization its own GlitchTip organization or move the project"
                }
            }
        }
        return refused
    }
}
