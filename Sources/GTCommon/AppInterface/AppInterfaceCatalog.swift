import Dispatch
import GTStreams

/// App-Interface as the tools read it (docs/architecture.md, "Bounded memory"): the instances whole,
/// the projects one batch at a time in stream order (docs/streams.md, "Order"), so a tool that
/// writes each project as it comes holds a batch, not the fleet.
///
/// A data directory's or bundle's projects are resolved as they are reached, on every core; a
/// GraphQL answer is one document, read whole, then walked in the same order.
public struct AppInterfaceCatalog: Sendable {
    /// Every instance, in source order.
    public let instances: [AppInterfaceModel.Instance]
    /// Every (instance, organization name) pair the projects use, once each.
    public let organizations: [(instance: String, organization: String)]
    private let projects: Projects

    /// Projects resolved at once from datafiles.
    static let batch = 256

    private enum Projects: Sendable {
        /// From the GraphQL source: resolved, with their places in source order, in stream order.
        case resolved([(project: AppInterfaceModel.Project, sourceIndex: Int)])
        /// With each project's key as read before resolving it (by path order), for
        /// ``projectKeys()``.
        case datafiles(DatafileResolver, [Int32], keys: [[String]?])
    }

    /// One project, resolved or not. `sourceIndex` is its place in the source (path order for
    /// datafiles), so a tool can report failures in the order the source lists them.
    public struct ProjectResolution: Sendable {
        public let sourceIndex: Int
        public let result: Result<AppInterfaceModel.Project, any Error>
    }

    init(resolver: DatafileResolver) throws {
        instances = try resolver.instances()
        let (order, organizations, keys) = resolver.projectsInStreamOrder()
        projects = .datafiles(resolver, order, keys: keys)
        self.organizations = organizations
    }

    public init(model: AppInterfaceModel) {
        instances = model.instances
        organizations = Set(model.projects.map { [$0.instance, $0.organization] }).map { ($0[0], $0[1]) }
        let keyed = model.projects.enumerated().map { (project: $1, sourceIndex: $0) }
        projects = .resolved(keyed.sorted { a, b in
            let (x, y) = (a.project.streamKey, b.project.streamKey)
            return x != y ? x.lexicographicallyPrecedes(y, by: utf8Precedes) : a.sourceIndex < b.sourceIndex
        })
    }

    public var projectCount: Int {
        switch projects {
        case .resolved(let list): list.count
        case .datafiles(_, let list, _): list.count
        }
    }

    /// Calls `body` with every project in stream order, ties in source order.
    public func forEachProject(_ body: (ProjectResolution) throws -> Void) rethrows {
        for start in stride(from: 0, to: projectCount, by: Self.batch) { try batch(at: start).forEach(body) }
    }

    /// The same walk for a caller that awaits between projects (reading a secret, say).
    public func forEachProject(_ body: (ProjectResolution) async throws -> Void) async rethrows {
        for start in stride(from: 0, to: projectCount, by: Self.batch) {
            for resolution in batch(at: start) { try await body(resolution) }
        }
    }

    /// The projects from `start` in stream order, at most ``batch`` of them, resolved on every core.
    private func batch(at start: Int) -> [ProjectResolution] {
        switch projects {
        case .resolved(let list):
            return list[start..<min(list.count, start + Self.batch)].map {
                ProjectResolution(sourceIndex: $0.sourceIndex, result: .success($0.project))
            }
        case .datafiles(let resolver, let list, _):
            let slice = Array(list[start..<min(list.count, start + Self.batch)])
            let resolved = ConcurrentSlots<Result<AppInterfaceModel.Project, any Error>>(count: slice.count)
            DispatchQueue.concurrentPerform(iterations: slice.count) { index in
                resolved.set(index, Result { try resolver.resolvedProject(at: resolver.projectPath(slice[index])) })
            }
            return slice.enumerated().map { ProjectResolution(sourceIndex: Int($1), result: resolved.get($0)) }
        }
    }

    /// Every project's key, in stream order. From datafiles, the keys are those read before
    /// resolving: a project is resolved only when its key could not be made, to say why (the
    /// first such failure in source order is thrown), so the rest of a project's datafile is
    /// not checked here (gt-desired checks it).
    public func projectKeys() throws -> [ProjectKey] {
        switch projects {
        case .resolved(let list):
            return list.map { ProjectKey(instance: $0.project.instance, organization: $0.project.organization, project: $0.project.slug) }
        case .datafiles(let resolver, let order, let keys):
            var failure: (index: Int, error: any Error)?
            var result: [ProjectKey] = []
            result.reserveCapacity(order.count)
            for index in order.map(Int.init) {
                if let key = keys[index] {
                    result.append(ProjectKey(instance: key[0], organization: key[1], project: key[2]))
                    continue
                }
                do {
                    let project = try resolver.resolvedProject(at: resolver.projectPath(Int32(index)))
                    result.append(ProjectKey(instance: project.instance, organization: project.organization, project: project.slug))
                } catch {
                    if failure == nil || index < failure!.index { failure = (index, error) }
                }
            }
            if let failure { throw failure.error }
            return result
        }
    }

    /// The instances named by `--instance` (all without it), sorted by name; an unknown name is
    /// an error.
    public func instances(named filter: String?) throws -> [AppInterfaceModel.Instance] {
        try AppInterfaceModel(instances: instances, projects: []).instances(named: filter)
    }
}

extension AppInterfaceModel.Project {
    /// Instance, organization, slug: what orders the streams (docs/streams.md, "Order").
    var streamKey: [String] { [instance, organization, slug] }
}
