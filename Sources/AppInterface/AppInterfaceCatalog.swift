import Dispatch
import GTStreams

/// App-Interface as the tools read it (docs/architecture.md, "Memory"): the instances whole,
/// the projects one batch at a time in stream order (docs/streams.md, "Order"), so a tool that
/// writes each project as it comes holds a batch, not the fleet.
///
/// A data directory's or bundle's projects are resolved as they are reached, on every core; a
/// GraphQL answer is one document, read whole, then walked in the same order.
public struct AppInterfaceCatalog: Sendable {
    /// Every instance, in source order.
    public let instances: [AppInterfaceModel.Instance]
    private let projects: Projects

    /// Projects resolved at once from datafiles.
    static let batch = 256

    private enum Projects: Sendable {
        /// From the GraphQL source: resolved, with their places in source order, in stream order.
        case resolved([(project: AppInterfaceModel.Project, sourceIndex: Int)])
        case datafiles(DatafileResolver, [Int32])
    }

    /// One project, resolved or not. `sourceIndex` is its place in the source (path order for
    /// datafiles), so a tool can report failures in the order the source lists them.
    public struct ProjectResolution: Sendable {
        public let sourceIndex: Int
        public let result: Result<AppInterfaceModel.Project, any Error>
    }

    init(resolver: DatafileResolver) throws {
        instances = try resolver.instances()
        projects = .datafiles(resolver, resolver.projectsInStreamOrder())
    }

    public init(model: AppInterfaceModel) {
        instances = model.instances
        let keyed = model.projects.enumerated().map { (project: $1, sourceIndex: $0) }
        projects = .resolved(keyed.sorted { a, b in
            let (x, y) = (a.project.streamKey, b.project.streamKey)
            return x != y ? x.lexicographicallyPrecedes(y, by: utf8Precedes) : a.sourceIndex < b.sourceIndex
        })
    }

    public var projectCount: Int {
        switch projects {
        case .resolved(let list): list.count
        case .datafiles(_, let list): list.count
        }
    }

    /// Calls `body` with every project in stream order, ties in source order.
    public func forEachProject(_ body: (ProjectResolution) throws -> Void) rethrows {
        switch projects {
        case .resolved(let list):
            for item in list { try body(ProjectResolution(sourceIndex: item.sourceIndex, result: .success(item.project))) }
        case .datafiles(let resolver, let list):
            for start in stride(from: 0, to: list.count, by: Self.batch) {
                let slice = Array(list[start..<min(list.count, start + Self.batch)])
                let resolved = ConcurrentSlots<Result<AppInterfaceModel.Project, any Error>>(count: slice.count)
                DispatchQueue.concurrentPerform(iterations: slice.count) { index in
                    resolved.set(index, Result { try resolver.resolvedProject(at: resolver.projectPath(slice[index])) })
                }
                for (index, pathIndex) in slice.enumerated() {
                    try body(ProjectResolution(sourceIndex: Int(pathIndex), result: resolved.get(index)))
                }
            }
        }
    }

    /// Every project's key, in stream order; the first project that cannot be resolved, in
    /// source order, is thrown.
    public func projectKeys() throws -> [ProjectKey] {
        var keys: [ProjectKey] = []
        keys.reserveCapacity(projectCount)
        var failure: (index: Int, error: any Error)?
        forEachProject { resolution in
            switch resolution.result {
            case .success(let project):
                keys.append(ProjectKey(instance: project.instance, organization: project.organization, project: project.slug))
            case .failure(let error):
                if failure == nil || resolution.sourceIndex < failure!.index { failure = (resolution.sourceIndex, error) }
            }
        }
        if let failure { throw failure.error }
        return keys
    }

    /// Everything at once, projects in source order: for callers that need the whole model
    /// (tests comparing sources); the tools walk ``forEachProject(_:)`` instead.
    public func model() throws -> AppInterfaceModel {
        var projects: [(Int, AppInterfaceModel.Project)] = []
        var failure: (index: Int, error: any Error)?
        forEachProject { resolution in
            switch resolution.result {
            case .success(let project): projects.append((resolution.sourceIndex, project))
            case .failure(let error):
                if failure == nil || resolution.sourceIndex < failure!.index { failure = (resolution.sourceIndex, error) }
            }
        }
        if let failure { throw failure.error }
        return AppInterfaceModel(instances: instances, projects: projects.sorted { $0.0 < $1.0 }.map(\.1))
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
