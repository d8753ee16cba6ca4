import GTStreams
import GTGlitchTip

/// Which GlitchTip organization an App-Interface organization is (docs/architecture.md,
/// "Organization matching"): the one with its name, else the one whose slug is `slugify(name)`.
public enum OrganizationMatcher {
    public static func match(_ name: String, in organizations: [GlitchTipOrganization]) -> GlitchTipOrganization? {
        organizations.first { $0.name == name } ?? organizations.first { $0.slug == slugify(name) }
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
