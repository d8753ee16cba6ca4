import AppInterface
import GTStreams

/// App-Interface's GlitchTip instances by name, and what is wrong with them as a whole: a name
/// declared twice, an `--instance` filter naming none (docs/rules.md, "Desired state").
/// Instances are few, so they are checked together, before any project is built.
public struct DeclaredInstances: Sendable {
    /// By name; a name declared twice keeps its last declaration (the build fails anyway).
    public let byName: [String: AppInterfaceModel.Instance]
    public let errors: [AppInterfaceError]

    public init(_ instances: [AppInterfaceModel.Instance], filter: String?) {
        var byName: [String: AppInterfaceModel.Instance] = [:]
        var errors: [AppInterfaceError] = []
        for instance in instances {
            if byName[instance.name] != nil {
                errors.append(AppInterfaceError(origin: instance.origin, message: "instance '\(instance.name)' is declared twice"))
            }
            byName[instance.name] = instance
        }
        if let filter, byName[filter] == nil {
            errors.append(AppInterfaceError(origin: "", message: "no GlitchTip instance named '\(filter)'"))
        }
        self.byName = byName
        self.errors = errors
    }

    /// The instance `project` belongs to, or the error naming the project when it is not declared.
    public func instance(of project: AppInterfaceModel.Project) -> Result<AppInterfaceModel.Instance, AppInterfaceError> {
        guard let instance = byName[project.instance] else {
            return .failure(AppInterfaceError(origin: project.origin,
                                              message: "project '\(project.name)': instance '\(project.instance)' is not declared"))
        }
        return .success(instance)
    }
}
