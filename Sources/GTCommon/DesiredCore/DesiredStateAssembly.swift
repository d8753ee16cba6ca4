import AppInterface
import GTStreams

/// The desired state built one project at a time, in stream order (docs/streams.md, "Order"),
/// so gt-desired holds a project, not the fleet (docs/architecture.md, "Bounded memory"). Each project
/// is checked by ``DesiredProjectBuilder`` and against its neighbours (``DuplicateProjectKeys``,
/// ``OrganizationCollisions``); its record comes back to be written, and every violation is
/// kept to be reported in the order the source lists the projects, whatever order they were
/// built in: the instances' errors, each project's, then the organization collisions.
public struct DesiredStateAssembly: Sendable {
    public let instances: DeclaredInstances
    private var duplicates = DuplicateProjectKeys()
    /// The organizations whose projects may collide (``OrganizationCollisions/sharedSlugs(of:)``),
    /// and those projects (without their alerts), checked in source order once all are in.
    private let sharedSlugs: Set<[String]>
    private var mayCollide: [(sourceIndex: Int, project: AppInterfaceModel.Project)] = []
    /// Violations with what orders them: the group (instances, projects, collisions), the
    /// project's place in the source, and the order found.
    private var found: [(group: Int, sourceIndex: Int, sequence: Int, error: AppInterfaceError)] = []
    private let bridgeAlert: BridgeAlertName

    /// `organizations`: every (instance, organization name) the projects use, so that only
    /// organizations whose names slugify alike are tracked for collisions.
    public init(instances: DeclaredInstances, organizations: [(instance: String, organization: String)],
                bridgeAlert: BridgeAlertName = .reserved) {
        self.instances = instances
        self.bridgeAlert = bridgeAlert
        sharedSlugs = OrganizationCollisions.sharedSlugs(of: organizations)
        for error in instances.errors { record(error, group: 0, sourceIndex: 0) }
    }

    /// Every violation found so far, in the source's order.
    public var errors: [AppInterfaceError] {
        var collisions = OrganizationCollisions()
        var all = found
        for candidate in mayCollide.sorted(by: { $0.sourceIndex < $1.sourceIndex }) {
            if let collision = collisions.add(candidate.project) {
                all.append((2, candidate.sourceIndex, all.count, collision))
            }
        }
        return all.sorted { ($0.group, $0.sourceIndex, $0.sequence) < ($1.group, $1.sourceIndex, $1.sequence) }.map(\.error)
    }

    /// Checks and builds `project`, the next in stream order; its record when it has no
    /// violation of its own (a later project may still fail the build).
    public mutating func add(_ project: AppInterfaceModel.Project, sourceIndex: Int,
                             secrets: [SecretRef: String]) -> ProjectRecord? {
        if sharedSlugs.contains([project.instance, slugify(project.organization)]) {
            var light = project
            light.alerts = []
            mayCollide.append((sourceIndex, light))
        }
        let instance: AppInterfaceModel.Instance
        switch instances.instance(of: project) {
        case .success(let declared): instance = declared
        case .failure(let error):
            record(error, group: 1, sourceIndex: sourceIndex)
            return nil
        }
        switch DesiredProjectBuilder.build(project, instance: instance, secrets: secrets, bridgeAlert: bridgeAlert) {
        case .success(let built):
            if let duplicate = duplicates.add(built, declaredIn: project.origin) {
                record(duplicate, group: 1, sourceIndex: sourceIndex)
            }
            return built
        case .failure(let failure):
            failure.errors.forEach { record($0, group: 1, sourceIndex: sourceIndex) }
            return nil
        }
    }

    /// Reports a violation found outside the rules (a secret that could not be read, say) in
    /// the project's place.
    public mutating func record(_ error: AppInterfaceError, sourceIndex: Int) {
        record(error, group: 1, sourceIndex: sourceIndex)
    }

    private mutating func record(_ error: AppInterfaceError, group: Int, sourceIndex: Int) {
        found.append((group, sourceIndex, found.count, error))
    }
}
