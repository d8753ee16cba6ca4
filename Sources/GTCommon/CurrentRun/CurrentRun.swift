import AppInterface
import CurrentCore
import GTCache
import GTHTTP
import GTStreams
import InstanceAccess

/// The current state of a fleet, read in process by any front end (gt-current, a server):
/// the managed keys, the cache, the instances' connections and transports, the counters. It
/// writes records to the sink it is given and returns a ``CurrentReport``; it never touches
/// stdout or stderr and never exits.
public enum CurrentRun {
    /// What gt-current's flags ask for.
    public struct Options: Sendable {
        public var concurrency: Int
        public var allProjects: Bool
        public var refresh: Bool
        /// `--cache-url` (else `GT_CACHE_URL`, else the cache directory).
        public var cacheURL: String?
        /// `--instance`: only this App-Interface instance.
        public var instance: String?

        public init(concurrency: Int, allProjects: Bool, refresh: Bool, cacheURL: String?, instance: String?) {
            self.concurrency = concurrency
            self.allProjects = allProjects
            self.refresh = refresh
            self.cacheURL = cacheURL
            self.instance = instance
        }
    }

    /// The client App-Interface (GraphQL) and Vault are read with.
    public static func appInterfaceClient(environment: [String: String]) -> HTTPClient {
        HTTPClient(transport: HTTPTransport(maxConcurrent: 4, environment: environment), retry: RetryPolicy(maxRetries: 3))
    }

    /// gt-current's run: App-Interface read for its keys, the TTLs, the second tier and the
    /// secret store from `environment`, then ``run(_:settings:tier:secrets:into:progress:)``.
    /// Takes `http` over: its transport (and Vault's) has ended when this returns, on every path.
    public static func run(source: AppInterfaceSource, options: Options, environment: [String: String],
                           http: HTTPClient? = nil, into sink: any RecordSink,
                           progress: FetchProgress? = nil) async -> CurrentReport {
        await (http ?? appInterfaceClient(environment: environment)).closing { http in
            var report: CurrentReport
            do {
                let fleet = try await managedFleet(source, http: http, instance: options.instance)
                let settings = CurrentSettings(concurrency: options.concurrency, allProjects: options.allProjects,
                                               refresh: options.refresh, ttl: try CacheTTLs.fromEnvironment(environment),
                                               spillDirectory: SystemCall.temporaryDirectory(environment: environment))
                let tier = try SecondTier.open(redis: try SecondTier.redis(flag: options.cacheURL, environment: environment),
                                               environment: environment)
                let secrets = try SecretResolver.fromEnvironment(environment, http: http)
                report = await run(fleet, settings: settings, tier: tier, secrets: secrets, environment: environment, into: sink,
                                   progress: progress)
                await secrets?.shutdown()  // nothing between its creation and here throws
            } catch {
                report = CurrentReport(failure: "\(error)")
            }
            report.count(http.counters)
            return report
        }
    }

    /// `fleet`'s current state into `sink` (instance records first, then each instance's part in
    /// stream order), each instance reached through `secrets`, its listings through the cache
    /// (`tier` second, nil: memory only). Every instance's transport has ended, and every cache
    /// entry is written, when this returns.
    public static func run(_ fleet: ManagedFleet, settings: CurrentSettings, tier: (any CacheTier)?, secrets: SecretResolver?,
                           environment: [String: String], into sink: any RecordSink, progress: FetchProgress? = nil) async -> CurrentReport {
        let connector = GlitchTipConnector(secrets: secrets, concurrency: settings.concurrency, environment: environment)
        return await run(fleet, settings: settings, tier: tier, connect: connector.connect, into: sink, progress: progress)
    }

    /// The same, each instance connected by `connect` (a server reads each instance's token
    /// from the store that serves its reference, and refuses one no store serves): an instance
    /// `connect` refuses is an `error` record of its own, the others go on.
    public static func run(_ fleet: ManagedFleet, settings: CurrentSettings, tier: (any CacheTier)?,
                           connect: @escaping @Sendable (InstanceRecord) async throws -> GlitchTipConnector.Connection,
                           into sink: any RecordSink, progress: FetchProgress? = nil) async -> CurrentReport {
        let cache = ListingCache(tier: tier, ttl: settings.ttl, refresh: settings.refresh)
        let connections = InstanceConnections(connect)
        await CurrentFetch(settings: settings, cache: cache, connector: connections).run(fleet, into: sink, progress: progress)
        await connections.shutdown()
        await cache.finishWrites()
        var report = CurrentReport()
        connections.clients.forEach { report.count($0.counters) }
        report.cacheHits = cache.hits
        report.cacheMisses = cache.misses
        report.warnings = cache.problems + (tier?.notices.all ?? [])
        return report
    }

    /// The instances to read and their managed keys. The catalog goes out of scope on return,
    /// so its entries are not held through the fetch (docs/architecture.md, "Bounded memory").
    static func managedFleet(_ source: AppInterfaceSource, http: HTTPClient, instance: String?) async throws -> ManagedFleet {
        let catalog = try await source.open(http: http, resolvingProjects: false)
        let instances = try catalog.instances(named: instance).map(\.record)
        return ManagedFleet(instances: instances, keys: try catalog.projectKeys())
    }
}
