import GTStreams

/// Where ``DatafileResolver`` reads datafiles: a data directory (``DataDirectory``) or a
/// qontract bundle (``BundleFile``), by path (`/dependencies/glitchtip/instances/prod.yml`, as
/// `$ref`s name them).
protocol DatafileSource: Sendable {
    /// The instance datafiles' paths, sorted.
    var instancePaths: [String] { get }
    /// Every project datafile, sorted by path.
    var projects: [ProjectDatafile] { get }
    /// The datafile at `path`, parsed; nil when there is none. A datafile gt does not read may
    /// come back as its `$schema` alone, enough to say what a `$ref` points at.
    func document(at path: String) throws -> JSONValue?
}

/// What stream order needs of a project datafile before it is resolved: its path, and the
/// fields that give its key (instance, organization, project slug) once its organization is
/// read.
struct ProjectDatafile: Sendable {
    let path: String
    let name: String?
    let projectID: String?
    /// The organization's `$ref`.
    let organization: String?

    init(path: String, document: JSONValue) {
        self.init(path: path, name: document["name"]?.stringValue, projectID: document["projectId"]?.stringValue,
                  organization: document["organization"]?["$ref"]?.stringValue)
    }

    private init(path: String, name: String?, projectID: String?, organization: String?) {
        self.path = path
        self.name = name
        self.projectID = projectID
        self.organization = organization
    }

    /// The entry to hold for the whole run, its `organization` one string shared by every
    /// project of that organization (docs/architecture.md, "Bounded memory").
    func held(path: String, organizations: inout [String: String]) -> ProjectDatafile {
        let organization = self.organization.map { reference in
            if let shared = organizations[reference] { return shared }
            organizations[reference] = reference
            return reference
        }
        return ProjectDatafile(path: path, name: name, projectID: projectID, organization: organization)
    }
}

/// A qontract bundle's datafiles, already in memory: the bundle is one JSON document.
struct BundleDatafiles: DatafileSource {
    let files: [String: JSONValue]
    let instancePaths: [String]
    let projects: [ProjectDatafile]

    init(files: [String: JSONValue]) {
        self.files = files
        let paths = files.keys.sorted()
        func schema(_ path: String) -> AppInterfaceSchema? {
            files[path]?[AppInterfaceSchema.key]?.stringValue.flatMap(AppInterfaceSchema.init(rawValue:))
        }
        instancePaths = paths.filter { schema($0) == .instance }
        projects = paths.filter { schema($0) == .project }.map { ProjectDatafile(path: $0, document: files[$0]!) }
    }

    func document(at path: String) -> JSONValue? { files[path] }
}
