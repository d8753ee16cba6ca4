import AppInterface
import GTStreams

/// gt-desired's walk over App-Interface (docs/architecture.md, "Bounded memory"): projects come from the
/// catalog a batch at a time in stream order; each one's secrets are read, its record built and
/// held in a ``RecordSpill`` (memory up to a bound, then an unlinked temporary file). Nothing is
/// written until every project is built: on any error the stream gets no record at all
/// (docs/streams.md, "Framing").
///
/// What is reported when something is wrong, as one whole-model pass would: the first project
/// that cannot be resolved (in source order) alone; else the secrets that cannot be read; else
/// every rule violation, in source order.
public struct DesiredStream {
    public let catalog: AppInterfaceCatalog
    public let instanceFilter: String?
    public let secrets: SecretSupply
    /// Where the built records wait (``SystemCall/temporaryDirectory(environment:)``).
    public let spillDirectory: String
    /// `.declared` for a reconcile request, whose client sends the Jira bridge alert it built.
    public let bridgeAlert: BridgeAlertName

    public init(catalog: AppInterfaceCatalog, instanceFilter: String?, secrets: SecretSupply, spillDirectory: String,
                bridgeAlert: BridgeAlertName = .reserved) {
        self.catalog = catalog
        self.bridgeAlert = bridgeAlert
        self.instanceFilter = instanceFilter
        self.secrets = secrets
        self.spillDirectory = spillDirectory
    }

    public struct Built {
        /// The selected instances' records, by name.
        public let instances: [InstanceRecord]
        /// The projects' records, in stream order.
        public let projects: RecordSpill
    }

    public func build() async -> Result<Built, DesiredBuildFailureReport> {
        var assembly = DesiredStateAssembly(instances: DeclaredInstances(catalog.instances, filter: instanceFilter),
                                            organizations: catalog.organizations.filter { instanceFilter == nil || $0.instance == instanceFilter },
                                            bridgeAlert: bridgeAlert)
        var unresolved: (sourceIndex: Int, error: any Error)?
        let spill = RecordSpill(directory: spillDirectory)
        await catalog.forEachProject { resolution in
            let project: AppInterfaceModel.Project
            switch resolution.result {
            case .success(let resolved): project = resolved
            case .failure(let error):
                if unresolved == nil || resolution.sourceIndex < unresolved!.sourceIndex { unresolved = (resolution.sourceIndex, error) }
                return
            }
            guard unresolved == nil, instanceFilter == nil || project.instance == instanceFilter else { return }
            let needed = DesiredProjectBuilder.neededSecrets(of: project, instance: assembly.instances.byName[project.instance])
            guard await secrets.read(needed, for: resolution.sourceIndex) else { return }
            if let record = assembly.add(project, sourceIndex: resolution.sourceIndex, secrets: secrets.values) {
                spill.append(EncodedRecord(record))
            }
        }
        if let unresolved { return .failure(DesiredBuildFailureReport(["\(unresolved.error)"])) }
        let secretErrors = secrets.errors
        if !secretErrors.isEmpty { return .failure(DesiredBuildFailureReport(secretErrors)) }
        let errors = assembly.errors
        if !errors.isEmpty { return .failure(DesiredBuildFailureReport(errors.map(\.description))) }
        let instances = catalog.instances.filter { instanceFilter == nil || $0.name == instanceFilter }.map(\.record)
        return .success(Built(instances: instances.sorted { utf8Precedes($0.name, $1.name) }, projects: spill))
    }
}

/// Why gt-desired wrote no record: each message, in the order to print them.
public struct DesiredBuildFailureReport: Error {
    public let messages: [String]
    init(_ messages: [String]) { self.messages = messages }
}
