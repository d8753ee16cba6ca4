import GTStreams

extension AppInterfaceModel.Instance {
    /// The stream's `instance` record: connection details, the token as a reference.
    public var record: InstanceRecord {
        InstanceRecord(name: name, consoleURL: consoleURL, token: automationToken,
                       readTimeout: readTimeout, maxRetries: maxRetries)
    }
}

extension AppInterfaceModel.Project {
    /// The GlitchTip slug: `projectId`, else `slugify(name)`.
    public var slug: String { projectID ?? slugify(name) }
}

extension AppInterfaceModel {
    /// The instances named by `--instance` (all without it), sorted by name; an unknown name is
    /// an error.
    public func instances(named filter: String?) throws -> [Instance] {
        let chosen = instances.filter { filter == nil || $0.name == filter }
        if let filter, chosen.isEmpty {
            throw AppInterfaceError(origin: "", message: "no GlitchTip instance named '\(filter)'")
        }
        return chosen.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }
}
