import GTStreams

/// Turns App-Interface datafiles (path → document, as in a data directory or a qontract
/// bundle) into the GraphQL shape ``QontractShape`` reads, resolving `$ref` cross references the
/// way qontract-server does: organization → instance, project → organization, alerts inline or
/// `$ref`'d, Jira escalation policy → boards.
///
/// Each datafile is checked against the fields of its schema (``AppInterfaceSchema``): an
/// unknown field, a missing required one or a broken `$ref` is an error naming the file.
struct DatafileResolver: Sendable {
    typealias Schema = AppInterfaceSchema

    private let files: any DatafileSource
    /// How messages name a datafile: its path on disk, or `bundle.json:/path.yml`.
    private let describe: @Sendable (String) -> String

    init(files: any DatafileSource, describe: @escaping @Sendable (String) -> String) {
        self.files = files
        self.describe = describe
    }

    /// Every instance, in path order.
    func instances() throws -> [AppInterfaceModel.Instance] {
        try files.instancePaths.map { try QontractShape.instance(try instance(at: $0), origin: describe($0)) }
    }

    /// The project datafiles (indices into the source's path-ordered ``DatafileSource/projects``)
    /// in stream order (docs/streams.md, "Order"). A project whose organization or instance
    /// cannot be read has no key: it goes last, and resolving it reports why.
    /// With them, every (instance, organization name) pair the projects use, once each.
    /// And each project's key (by path order; nil when it has none).
    func projectsInStreamOrder() -> (order: [Int32], organizations: [(instance: String, organization: String)], keys: [[String]?]) {
        let projects = files.projects
        let keys = projects.map(key(of:))
        var pairs = Set<[String]>()
        for key in keys { if let key { pairs.insert(Array(key.prefix(2))) } }
        return (order(keys), pairs.map { ($0[0], $0[1]) }, keys)
    }

    private func order(_ keys: [[String]?]) -> [Int32] {
        (0..<Int32(keys.count)).sorted { a, b in
            switch (keys[Int(a)], keys[Int(b)]) {
            case let (x?, y?):
                if x != y { return x.lexicographicallyPrecedes(y, by: utf8Precedes) }
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): break
            }
            return a < b
        }
    }

    /// The path of the project datafile at `index` of the source's path order.
    func projectPath(_ index: Int32) -> String { files.projects[Int(index)].path }

    /// The project datafile at `path`, resolved.
    func resolvedProject(at path: String) throws -> AppInterfaceModel.Project {
        try QontractShape.project(try project(at: path), origin: describe(path))
    }

    /// A project's key as its resolved form will have it: instance name, organization name,
    /// slug (``AppInterfaceModel/Project/slug``).
    private func key(of project: ProjectDatafile) -> [String]? {
        guard let name = project.name, let organizationPath = project.organization,
              let organization = try? files.document(at: organizationPath),
              let organizationName = organization["name"]?.stringValue,
              let instancePath = organization["instance"]?["$ref"]?.stringValue,
              let instanceName = (try? files.document(at: instancePath))??["name"]?.stringValue else { return nil }
        return [instanceName, organizationName, project.projectID ?? slugify(name)]
    }

    // MARK: - One resolver per schema

    private func instance(at path: String) throws -> JSONValue {
        let doc = try document(at: path, schema: .instance)
        var out = doc.filter { GraphQLFields.instance.contains($0.key) }
        out[QontractShape.originKey] = .string(describe(path))
        return .object(out)
    }

    private func project(at path: String) throws -> JSONValue {
        let doc = try document(at: path, schema: .project)
        let orgPath = try reference(doc["organization"], in: path, field: "organization")
        let org = try document(at: orgPath, schema: .organization, referencedFrom: path, field: "organization")
        let instancePath = try reference(org["instance"], in: orgPath, field: "instance")
        let instance = try document(at: instancePath, schema: .instance, referencedFrom: orgPath, field: "instance")

        var out: [String: JSONValue] = [
            QontractShape.originKey: .string(describe(path)),
            "name": doc["name"] ?? .null,
            "projectId": doc["projectId"] ?? .null,
            "organization": ["name": org["name"] ?? .null, "instance": ["name": instance["name"] ?? .null]],
        ]
        if let alerts = doc["alerts"], !alerts.isNull {
            guard case .array(let items) = alerts else {
                throw AppInterfaceError(origin: describe(path), message: "alerts: expected array, got \(alerts.typeName)")
            }
            out["alerts"] = .array(try items.enumerated().map { try alert($1, in: path, field: "alerts[\($0)]") })
        }
        if let jira = doc["jira"], !jira.isNull {
            out["jira"] = try self.jira(jira, in: path)
        }
        return .object(out)
    }

    private func alert(_ item: JSONValue, in path: String, field: String) throws -> JSONValue {
        if item["$ref"] != nil {
            let alertPath = try reference(item, in: path, field: field)
            var doc = try document(at: alertPath, schema: .alert, referencedFrom: path, field: field)
            doc = doc.filter { !Schema.bookkeeping.contains($0.key) }
            doc[QontractShape.originKey] = .string(describe(alertPath))
            return .object(doc)
        }
        guard case .object(let inline) = item else {
            throw AppInterfaceError(origin: describe(path), message: "\(field): expected object, got \(item.typeName)")
        }
        try check(inline, schema: .alert, origin: describe(path), prefix: "\(field).")
        return .object(inline.filter { !Schema.bookkeeping.contains($0.key) })
    }

    private func jira(_ jira: JSONValue, in path: String) throws -> JSONValue {
        guard case .object(var out) = jira else {
            throw AppInterfaceError(origin: describe(path), message: "jira: expected object, got \(jira.typeName)")
        }
        guard let policy = out["escalationPolicy"], !policy.isNull else { return .object(out) }
        let policyPath = try reference(policy, in: path, field: "jira.escalationPolicy")
        let doc = try document(at: policyPath, schema: .escalationPolicy, referencedFrom: path, field: "jira.escalationPolicy")
        guard case .object(let channels)? = doc["channels"] else {
            throw AppInterfaceError(origin: describe(policyPath), message: "channels: expected object")
        }
        let boards = channels["jiraBoard"]?.arrayValue ?? []
        let resolvedBoards: [JSONValue] = try boards.enumerated().map { index, ref in
            let field = "channels.jiraBoard[\(index)]"
            let boardPath = try reference(ref, in: policyPath, field: field)
            let board = try document(at: boardPath, schema: .jiraBoard, referencedFrom: policyPath, field: field)
            return ["name": board["name"] ?? .null, "issueType": board["issueType"] ?? .null, "disable": board["disable"] ?? .null]
        }
        out["escalationPolicy"] = ["channels": [
            "jiraBoard": .array(resolvedBoards),
            "jiraComponents": channels["jiraComponents"] ?? .null,
            "jiraLabels": channels["jiraLabels"] ?? .null,
        ]]
        return .object(out)
    }

    // MARK: - Datafile access

    private func reference(_ value: JSONValue?, in path: String, field: String) throws -> String {
        guard let target = value?["$ref"]?.stringValue else {
            throw AppInterfaceError(origin: describe(path), message: "\(field): expected a {$ref: …} cross reference")
        }
        return target
    }

    private func document(at path: String, schema: Schema, referencedFrom: String? = nil, field: String = "")
        throws -> [String: JSONValue]
    {
        guard let value = try files.document(at: path) else {
            let origin = referencedFrom.map(describe) ?? describe(path)
            throw AppInterfaceError(origin: origin, message: "\(field): $ref '\(path)' does not exist")
        }
        guard case .object(let doc) = value else {
            throw AppInterfaceError(origin: describe(path), message: "expected a mapping, got \(value.typeName)")
        }
        let actual = doc[Schema.key]?.stringValue ?? "(none)"
        guard actual == schema.rawValue else {
            let origin = referencedFrom.map(describe) ?? describe(path)
            throw AppInterfaceError(origin: origin,
                                    message: "\(field): $ref '\(path)' has \(Schema.key) '\(actual)', expected '\(schema.rawValue)'")
        }
        try check(doc, schema: schema, origin: describe(path), prefix: "")
        return doc
    }

    private func check(_ doc: [String: JSONValue], schema: Schema, origin: String, prefix: String) throws {
        if let unknown = doc.keys.filter({ !schema.allowedKeys.contains($0) }).sorted().first {
            throw AppInterfaceError(origin: origin, message: "\(prefix)\(unknown): unknown field")
        }
        for key in schema.requiredKeys where doc[key] == nil || doc[key]!.isNull {
            throw AppInterfaceError(origin: origin, message: "\(prefix)\(key): missing required field")
        }
    }
}
