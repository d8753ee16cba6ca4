import AppInterface
import GTStreams
import GTGlitchTip
import GTCLI

/// Two App-Interface organizations of one instance that GlitchTip would see as one.
///
/// gt-current matches an organization by its name, else by the slug `slugify(name)`
/// (docs/architecture.md, "Organization matching"). So `Acme` (matched by name) and `acme`
/// (matched by slug) both resolve to the GlitchTip organization `Acme`/`acme`; a project slug
/// declared under both is one GlitchTip project with two desired states, and every run would
/// delete what the other declares and create it again. Such a pair is refused, naming both
/// project datafiles.
enum OrganizationCollisions {
    static func errors(in projects: [AppInterfaceModel.Project]) -> [AppInterfaceError] {
        // Keyed on the organization as GlitchTip would see it: the slug of its name.
        var first: [ProjectKey: AppInterfaceModel.Project] = [:]
        var errors: [AppInterfaceError] = []
        for project in projects {
            let key = ProjectKey(instance: project.instance, organization: slugify(project.organization), project: project.slug)
            guard let earlier = first[key] else {
                first[key] = project
                continue
            }
            // The same organization name twice is the same GlitchTip organization by name: the
            // builder's duplicate-project rule reports it.
            guard earlier.organization != project.organization else { continue }
            errors.append(AppInterfaceError(origin: project.origin, message:
                "project '\(project.name)': organizations '\(earlier.organization)' and '\(project.organization)' of instance "
                + "'\(project.instance)' resolve to the same GlitchTip organization (slug '\(key.organization)'), and both "
                + "declare project '\(project.slug)' (also declared in \(earlier.origin)); rename one organization or project"))
        }
        return errors
    }
}
