import AppInterface
import GTStreams

/// The whole desired state from the App-Interface model and resolved secrets, by the rules of
/// docs/rules.md, "Desired state". Pure: no I/O. Built from the per-project pieces
/// (`DeclaredInstances`, `DesiredProjectBuilder`, `DuplicateProjectKeys`,
/// `OrganizationCollisions`), so a driver that builds one project at a time applies the same
/// rules with the same messages.
public struct DesiredStateBuilder: Sendable {
    public typealias BuildFailure = DesiredBuildFailure

    public let model: AppInterfaceModel
    /// Secret values by reference; every reference the rules need must be here.
    public let secrets: [SecretRef: String]
    public let instanceFilter: String?

    public struct Output: Sendable {
        public var instances: [InstanceRecord]
        public var projects: [ProjectRecord]
    }

    public init(model: AppInterfaceModel, secrets: [SecretRef: String], instanceFilter: String?) {
        self.model = model
        self.secrets = secrets
        self.instanceFilter = instanceFilter
    }

    /// The instances whose projects are built.
    public var selectedInstances: [AppInterfaceModel.Instance] {
        model.instances.filter { instanceFilter == nil || $0.name == instanceFilter }
    }

    public var selectedProjects: [AppInterfaceModel.Project] {
        model.projects.filter { instanceFilter == nil || $0.instance == instanceFilter }
    }

    /// Every secret the build will read, each once: each selected project's
    /// `DesiredProjectBuilder.neededSecrets`, in project order.
    public var neededSecrets: [SecretRef] {
        // A name declared twice: its first declaration's bridge token.
        let byName = Dictionary(model.instances.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var seen = Set<SecretRef>()
        return selectedProjects.flatMap { DesiredProjectBuilder.neededSecrets(of: $0, instance: byName[$0.instance]) }
            .filter { seen.insert($0).inserted }
    }

    /// The desired state in stream order, or every rule violation found (each naming file,
    /// project and alert): the instances' errors, each project's in model order, then the
    /// organization collisions. The projects go through ``DesiredStateAssembly`` in stream order,
    /// as gt-desired feeds them from App-Interface.
    public func build() -> Result<Output, BuildFailure> {
        let selected = selectedProjects.enumerated().sorted { a, b in
            let (x, y) = ([a.element.instance, a.element.organization, a.element.slug],
                          [b.element.instance, b.element.organization, b.element.slug])
            return x != y ? x.lexicographicallyPrecedes(y, by: utf8Precedes) : a.offset < b.offset
        }
        var assembly = DesiredStateAssembly(instances: DeclaredInstances(model.instances, filter: instanceFilter),
                                            organizations: selected.map { ($0.element.instance, $0.element.organization) })
        let projects = selected.compactMap { assembly.add($0.element, sourceIndex: $0.offset, secrets: secrets) }
        let errors = assembly.errors
        guard errors.isEmpty else { return .failure(BuildFailure(errors: errors)) }
        let instanceRecords = selectedInstances.map(\.record)
        return .success(Output(
            instances: instanceRecords.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) },
            projects: projects))
    }
}
