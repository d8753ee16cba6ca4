import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import GTStreams

/// A data directory: every `.yml`/`.yaml` file below it, keyed by its path from the directory
/// (`/dependencies/glitchtip/instances/prod.yml`), as `$ref`s name them.
///
/// Read once, on every core, a batch of files at a time, and kept by what gt does with each
/// (docs/architecture.md, "Bounded memory"): instances, organizations, escalation policies and Jira
/// boards (few) whole; projects and alerts (as many as the fleet) as compact JSON in a
/// ``DatafileSpill``, read back when their project's turn comes; any other datafile as its
/// `$schema` alone. A real App-Interface holds tens of thousands of files; none of them is held
/// parsed for longer than its batch.
struct DataDirectory: DatafileSource {
    /// Files parsed at once: enough to keep every core busy, few enough that a batch of parsed
    /// documents is a small, fixed cost.
    static let batch = 256

    let instancePaths: [String]
    let projects: [ProjectDatafile]
    private let kept: [String: JSONValue]
    /// Alerts' places in the spill (nil: not spilled); projects' are in ``projectSlots``, in the
    /// order of ``projects`` (sorted by path), found by binary search.
    private let alerts: [String: DatafileSpill.Slot?]
    private let projectSlots: [DatafileSpill.Slot]
    /// Nil when the caller needs only the projects' keys: projects and alerts are then not
    /// kept at all, and read again from disk in the rare case one is asked for (to say what is
    /// wrong with a project whose key cannot be made).
    private let spill: DatafileSpill?
    private let root: String
    private let describe: @Sendable (String) -> String

    func document(at path: String) throws -> JSONValue? {
        if let document = kept[path] { return document }
        let project = projectIndex(path)
        guard project != nil || alerts[path] != nil else { return nil }
        guard let spill else {
            return try Datafile.document(file: root + path, display: describe(path))
        }
        let slot = project.map { projectSlots[$0] } ?? alerts[path]!!
        do { return try JSONValue(parsing: try spill.bytes(slot)) } catch {
            throw AppInterfaceError(origin: describe(path), message: "cannot be read back from the temporary file: \(error)")
        }
    }

    /// - Parameter spillDirectory: where project and alert datafiles wait in an unlinked file
    ///   (``SystemCall/temporaryDirectory(environment:)``); nil when only the projects' keys will be read.
    init(_ dir: String, spillDirectory: String?) throws {
        let display = dir.hasSuffix("/") ? String(dir.dropLast()) : dir
        describe = { display + $0 }
        let paths = try Self.datafilePaths(dir)
        let root = dir.count > 1 && dir.hasSuffix("/") ? String(dir.dropLast()) : dir
        self.root = root
        let spill = spillDirectory.map { DatafileSpill(directory: $0) }
        var kept: [String: JSONValue] = [:]
        var alerts: [String: DatafileSpill.Slot?] = [:]
        var instancePaths: [String] = []
        var projects: [ProjectDatafile] = []
        var projectSlots: [DatafileSpill.Slot] = []
        var organizations: [String: String] = [:]
        for start in stride(from: 0, to: paths.count, by: Self.batch) {
            let slice = Array(paths[start..<min(paths.count, start + Self.batch)])
            let read = ConcurrentSlots<Result<Datafile, Error>>(count: slice.count)
            DispatchQueue.concurrentPerform(iterations: slice.count) { index in
                read.set(index, Result {
                    try Datafile(file: root + slice[index], path: slice[index], display: display + slice[index], encoding: spill != nil)
                })
            }
            for (path, datafile) in zip(slice, try read.values() as [Datafile]) {
                switch datafile {
                case .none: continue
                case .kept(let schema, let document):
                    kept[path] = document
                    if schema == .instance { instancePaths.append(path) }
                case .spilled(let json, nil):
                    alerts[path] = .some(json.flatMap { spill?.append($0) })
                case .spilled(let json, let project?):
                    if let json, let spill { projectSlots.append(spill.append(json)) }
                    projects.append(project.held(path: path, organizations: &organizations))
                case .other(let schema):
                    kept[path] = [AppInterfaceSchema.key: .string(schema)]
                }
            }
        }
        self.kept = kept
        self.alerts = alerts
        self.projectSlots = projectSlots
        self.spill = spill
        self.instancePaths = instancePaths
        self.projects = projects
    }

    private func projectIndex(_ path: String) -> Int? {
        var (low, high) = (0, projects.count)
        while low < high {
            let middle = (low + high) / 2
            if projects[middle].path.utf8.lexicographicallyPrecedes(path.utf8) { low = middle + 1 } else { high = middle }
        }
        return low < projects.count && projects[low].path == path ? low : nil
    }

    /// Every YAML file's path from the directory (`/a/b.yml`), sorted. Directories are walked
    /// depth first; a link to a directory is not followed (a link loop must not hang the walk).
    private static func datafilePaths(_ dir: String) throws -> [String] {
        let root = dir.count > 1 && dir.hasSuffix("/") ? String(dir.dropLast()) : dir
        var paths: [String] = []
        var pending = [""]
        while let relative = pending.popLast() {
            let entries: [(name: String, type: DirectoryListing.EntryType)]
            do { entries = try DirectoryListing.entries(root + relative) } catch {
                let what = relative.isEmpty ? dir : root + relative
                throw AppInterfaceError(origin: what, message: relative.isEmpty && [ENOENT, ENOTDIR].contains(error.rawValue)
                    ? "not a directory" : "cannot be read: \(error)")
            }
            for entry in entries {
                let path = relative + "/" + entry.name
                switch entry.type {
                case .directory: pending.append(path)
                case .file where entry.name.hasSuffix(".yml") || entry.name.hasSuffix(".yaml"): paths.append(path)
                default: continue
                }
            }
        }
        return paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}

/// One file of a data directory, read and sorted by what gt keeps of it.
private enum Datafile {
    /// YAML that declares no `$schema` (CI configuration, say): skipped unparsed.
    case none
    /// Kept whole; no schema when `$schema` is not a string (reported if something refers to it).
    case kept(AppInterfaceSchema?, JSONValue)
    /// A project or an alert, as compact JSON (nil when not spilled); a project's key fields too.
    case spilled([UInt8]?, ProjectDatafile?)
    /// A datafile of a schema gt does not read.
    case other(String)

    static let spilledSchemas: Set<AppInterfaceSchema> = [.project, .alert]

    /// - Parameter encoding: whether a project or alert is encoded for the spill.
    init(file: String, path: String, display: String, encoding: Bool) throws {
        guard let document = try Self.document(file: file, display: display) else {
            self = .none
            return
        }
        guard let name = document[AppInterfaceSchema.key]?.stringValue else {
            self = .kept(nil, document)
            return
        }
        guard let schema = AppInterfaceSchema(rawValue: name) else {
            self = .other(name)
            return
        }
        guard Self.spilledSchemas.contains(schema) else {
            self = .kept(schema, document)
            return
        }
        var json: [UInt8]?
        if encoding {
            json = []
            document.write(to: &json!)
        }
        self = .spilled(json, schema == .project ? ProjectDatafile(path: path, document: document) : nil)
    }

    /// The file parsed; nil for YAML that declares no `$schema`.
    static func document(file: String, display: String) throws -> JSONValue? {
        var bytes: [UInt8]
        do { bytes = try DirectoryListing.contents(of: file) } catch {
            throw AppInterfaceError(origin: display, message: "cannot be read: \(error)")
        }
        guard bytes.firstRange(of: schemaMarker) != nil else { return nil }
        do { return try YAMLDocument.parse(bytes: &bytes) } catch {
            throw AppInterfaceError(origin: display, message: "\(error)")
        }
    }
}

private let schemaMarker = Array(AppInterfaceSchema.key.utf8)
