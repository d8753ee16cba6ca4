import GTStreams
import GTHTTP

/// Where App-Interface comes from: a data directory, a qontract bundle, or qontract-server's
/// GraphQL endpoint (the command line chooses: AppInterfaceCLI's `AppInterfaceOptions`).
public enum AppInterfaceSource: Sendable {
    /// A data directory, and where its project and alert datafiles are spilled
    /// (``SystemCall/temporaryDirectory(environment:)``).
    case dataDirectory(String, spillDirectory: String)
    case bundle(String)
    case graphQL(url: String, token: String?)
    /// App-Interface already in hand: what a reconcile request declares (its instances are
    /// then where their tokens may go, as a data directory's are).
    case model(AppInterfaceModel)

    /// The data directory `dir`, spilling to `TMPDIR` of `environment`.
    public static func dataDirectory(_ dir: String, environment: [String: String]) -> AppInterfaceSource {
        .dataDirectory(dir, spillDirectory: SystemCall.temporaryDirectory(environment: environment))
    }

    /// Reads the source: instances whole, projects resolved as a tool walks them (see
    /// ``AppInterfaceCatalog``); `--instance` filtering is left to the caller.
    ///
    /// With `resolvingProjects` false the caller reads only instances and ``AppInterfaceCatalog/projectKeys()``:
    /// a data directory's projects are then not kept for resolving (they still can be, from
    /// disk again, more slowly).
    public func open(http: HTTPClient, resolvingProjects: Bool = true) async throws -> AppInterfaceCatalog {
        switch self {
        case .dataDirectory(let dir, let spillDirectory):
            let base = dir.hasSuffix("/") ? String(dir.dropLast()) : dir
            let files = try DataDirectory(dir, spillDirectory: resolvingProjects ? spillDirectory : nil)
            return try AppInterfaceCatalog(resolver: DatafileResolver(files: files, describe: { base + $0 }))
        case .bundle(let path):
            let files = BundleDatafiles(files: try BundleFile.read(path))
            return try AppInterfaceCatalog(resolver: DatafileResolver(files: files, describe: { "\(path):\($0)" }))
        case .graphQL(let url, let token):
            let client = QontractClient(url: url, token: token, http: http)
            async let instances = client.query(QontractQueries.instances, field: "instances")
            async let projects = client.query(QontractQueries.projects, field: "glitchtip_projects")
            return AppInterfaceCatalog(
                model: try await QontractShape.model(instances: instances, projects: projects, origin: "graphql"))
        case .model(let model):
            return AppInterfaceCatalog(model: model)
        }
    }
}

/// A qontract bundle: `{"data": {"/path.yml": {...}}, ...}`.
enum BundleFile {
    static func read(_ path: String) throws -> [String: JSONValue] {
        let bytes: [UInt8]
        do { bytes = try DirectoryListing.contents(of: path) } catch {
            throw AppInterfaceError(origin: path, message: "cannot be read: \(error)")
        }
        let json: JSONValue
        do { json = try JSONValue(parsing: bytes) } catch {
            throw AppInterfaceError(origin: path, message: "invalid JSON: \(error)")
        }
        guard case .object(let data)? = json["data"] else {
            throw AppInterfaceError(origin: path, message: "data: expected an object of datafiles by path")
        }
        return data
    }
}

/// Asks qontract-server's GraphQL endpoint.
struct QontractClient: Sendable {
    let url: String
    let token: String?
    let http: HTTPClient

    func query(_ query: String, field: String) async throws -> JSONValue {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json"), ("Accept", "application/json")]
        if let token, !token.isEmpty { headers.append(("Authorization", "Bearer \(token)")) }
        var body: [UInt8] = []
        JSONValue.object(["query": .string(query)]).write(to: &body)
        let request = HTTPRequest(method: .post, url: url, headers: headers, body: body)
        // A query changes nothing: safe to retry, unlike other POSTs.
        let response: JSONValue
        do {
            (response, _) = try await http.sendExpectingJSON(request, retryable: true)
        } catch {
            throw AppInterfaceError(origin: "graphql", message: "\(error)")
        }
        if let errors = response["errors"]?.arrayValue, !errors.isEmpty {
            let messages = errors.map { $0["message"]?.stringValue ?? $0.serialized() }
            throw AppInterfaceError(origin: "graphql \(RedactedURL(url))", message: messages.joined(separator: "; "))
        }
        guard let value = response["data"]?[field] else {
            throw AppInterfaceError(origin: "graphql \(RedactedURL(url))", message: "data.\(field): missing from the answer")
        }
        return value
    }
}
