import AdoptCore
import AppInterface
import DesiredCore
import GTStreams

/// Every project App-Interface declares (of `--instance`, when given) that the current stream
/// holds, adopted by ``AlertAdoption`` with the secrets its declared alerts need; and the current
/// stream's projects App-Interface does not declare, adopted into new datafiles.
struct FleetAdoption {
    struct Declared {
        let project: AppInterfaceModel.Project
        let adoption: ProjectAdoption
    }

    struct Undeclared {
        let current: ProjectRecord
        let adoption: ProjectAdoption
    }

    private(set) var declared: [Declared] = []
    private(set) var undeclared: [Undeclared] = []

    init(catalog: AppInterfaceCatalog, current: CurrentProjects, instanceFilter: String?, secrets: SecretSupply,
         settings: AdoptionSettings) async throws {
        let instances = DeclaredInstances(catalog.instances, filter: instanceFilter)
        if let error = instances.errors.first { throw AdoptError("\(error)") }
        var errors: [String] = []
        var seen: Set<ProjectKey> = []
        var found: [(index: Int, entry: Declared)] = []
        await catalog.forEachProject { resolution in
            let project: AppInterfaceModel.Project
            switch resolution.result {
            case .success(let resolved): project = resolved
            case .failure(let error):
                errors.append("\(error)")
                return
            }
            guard instanceFilter == nil || project.instance == instanceFilter else { return }
            let key = ProjectKey(instance: project.instance, organization: project.organization, project: project.slug)
            seen.insert(key)
            guard let live = current.byKey[key] else { return }
            guard case .success(let instance) = instances.instance(of: project) else { return }
            guard await secrets.read(DesiredProjectBuilder.neededSecrets(of: project, instance: instance), for: resolution.sourceIndex)
            else { return }
            switch AlertAdoption.adopt(current: live, declared: project, instance: instance, secrets: secrets.values, settings: settings) {
            case .success(let adoption): found.append((resolution.sourceIndex, Declared(project: project, adoption: adoption)))
            case .failure(let failure): errors += failure.errors.map(\.description)
            }
        }
        errors += secrets.errors
        guard errors.isEmpty else {
            throw AdoptError(errors.joined(separator: "\n") + "\nApp-Interface must build (gt-desired) before alerts are adopted into it")
        }
        declared = found.sorted { $0.index < $1.index }.map(\.entry)
        for key in current.order where !seen.contains(key) {
            guard let live = current.byKey[key], instanceFilter == nil || key.instance == instanceFilter,
                  let instance = instances.byName[key.instance] else { continue }
            if case .success(let adoption) = AlertAdoption.adopt(current: live, declared: nil, instance: instance, secrets: [:],
                                                                 settings: settings) {
                undeclared.append(Undeclared(current: live, adoption: adoption))
            }
        }
    }

    /// Every secret value to write, by path then field: the declared projects', and the new
    /// datafiles' when they are written.
    func secrets(includingNewProjects: Bool) -> [NewSecret] {
        var byPath: [String: [String: String]] = [:]
        for adoption in declared.map(\.adoption) + (includingNewProjects ? undeclared.map(\.adoption) : []) {
            for (path, fields) in adoption.secrets { byPath[path, default: [:]].merge(fields) { $1 } }
        }
        return byPath.sorted { utf8Precedes($0.key, $1.key) }.map { NewSecret(path: $0.key, fields: $0.value) }
    }
}
