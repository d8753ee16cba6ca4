import AppInterface
import AppInterfaceCLI
import CurrentCore
import ArgumentParser
import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTHTTP
import GTCache
import InstanceAccess

@main
struct GTCurrentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gt-current",
        abstract: "Fetch the live GlitchTip project alerts (current stream).",
        discussion: """
            Reads from App-Interface which instances, organizations and projects are managed, then \
            lists them in GlitchTip through a two-tier cache (GT_CACHE_DIR, or Redis shared between \
            hosts with GT_CACHE_URL; TTLs from \
            QAPI_GLITCHTIP_{ORGANIZATIONS,PROJECTS,ALERTS}_CACHE_TTL, 3600 s by default). A listing \
            that fails gives an error record for its scope and no project record; exit status 1 \
            when any error was written.
            """,
        version: GTVersion.current)

    @OptionGroup(title: "App-Interface")
    var appInterface: AppInterfaceOptions

    @Flag(help: "List every project of every organization, managed or not (export, adoption).")
    var allProjects = false

    @Option(help: "Requests in flight per instance.")
    var concurrency = 8

    @Flag(help: "Do not read the cache (fresh entries are still written).")
    var refresh = false

    @Flag(help: "No progress line and no warnings on stderr (errors are still printed).")
    var quiet = false

    @Option(help: ArgumentHelp(SecondTier.cacheURLHelp, valueName: "url"))
    var cacheUrl: String?

    func validate() throws {
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 256") }
        if let cacheUrl {
            do { _ = try RedisURL(parsing: cacheUrl) } catch { throw ValidationError("--cache-url: \(error)") }
        }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let environment = Environment.current
        let diagnostics = Diagnostics(tool: "gt-current")
        let source = try appInterface.source(environment: environment)
        let stdout = FileOutput.standardOutput()
        let writer = StreamWriter(stream: .current, generator: "gt-current \(GTVersion.current)", output: stdout)
        let sourceHTTP = HTTPClient(transport: HTTPTransport(maxConcurrent: 4, environment: environment), retry: RetryPolicy(maxRetries: 3))
        var counters: [HTTPCounters] = [sourceHTTP.counters]
        var cache: ListingCache?

        let progress = quiet ? nil : ProgressLine.onTerminal(label: "gt-current: projects", environment: environment)
        let sink = WriterSink(writer: writer, diagnostics: diagnostics, quiet: quiet, progress: progress)
        do {
            let (instances, managed) = try await managedFleet(source, http: sourceHTTP)
            let ttl = try CacheTTLs.fromEnvironment(environment)
            let tier = try SecondTier.open(redis: try SecondTier.redis(flag: cacheUrl, environment: environment),
                                           environment: environment)
            let listingCache = ListingCache(tier: tier, ttl: ttl, refresh: refresh)
            cache = listingCache
            let secrets = try SecretResolver.fromEnvironment(environment, http: sourceHTTP)
            let connector = GlitchTipConnector(secrets: secrets, concurrency: concurrency, environment: environment)

            // Written as they come, in stream order (docs/streams.md, "Order"): the instance
            // records, then each instance's part, the ones after the first held until it is done.
            instances.forEach { sink.write(EncodedRecord($0.record.json)) }
            let parts = OrderedSegments(parent: sink, spillDirectory: SystemCall.temporaryDirectory(environment: environment))
            var fetchers: [(CurrentStateFetcher, OrderedSegments.Segment)] = []
            var transports: [HTTPTransport] = []
            for (index, instance) in instances.enumerated() {
                let segment = parts.segment(index)
                do {
                    let connection = try await connector.connect(instance.record)
                    counters.append(connection.http.counters)
                    transports.append(connection.http.transport)
                    fetchers.append((CurrentStateFetcher(instance: instance.name, managed: managed[instance.name] ?? [:],
                                                         allProjects: allProjects, client: connection.client, cache: listingCache,
                                                         seal: connection.cacheSeal, progress: progress, spillDirectory: parts.spillDirectory,
                                                         window: concurrency * 4, permits: AsyncPermits(concurrency * 2)), segment))
                } catch {
                    segment.write(EncodedRecord(NoticeRecord(.error, instance: instance.name,
                                                             message: "\(instance.name): cannot connect: \(error)").json))
                    segment.finish()
                }
            }
            await withTaskGroup(of: Void.self) { group in
                for (fetcher, segment) in fetchers {
                    group.addTask {
                        await fetcher.fetch(into: segment)
                        segment.finish()
                    }
                }
            }
            progress?.clear()
            // Every transfer thread ends before exit (docs/architecture.md, "Concurrency").
            for transport in transports { await transport.shutdown() }
            await sourceHTTP.transport.shutdown()
            await secrets?.shutdown()  // nothing between its creation and here throws
            await listingCache.finishWrites()
            listingCache.problems.forEach { diagnostics.warning($0) }
            tier?.notices.all.forEach { diagnostics.warning($0) }
        } catch {
            // Only App-Interface's transport exists yet: everything after the first throw is made
            // by calls that cannot throw (docs/architecture.md, "Transport lifecycle").
            await sourceHTTP.transport.shutdown()
            diagnostics.error("\(error)")
            writer.finish(complete: false, stats: stats(started, counters, cache))
            throw ExitCode.failure
        }
        writer.finish(stats: stats(started, counters, cache))
        do { try stdout.finish() } catch {
            diagnostics.error("\(error)")
            throw ExitCode.failure
        }
        if writer.errors > 0 { throw ExitCode.failure }
    }

    /// What gt-current needs of App-Interface: the instances to read and their managed
    /// projects. The catalog goes out of scope on return, so its entries are not held through
    /// the fetch (docs/architecture.md, "Bounded memory").
    private func managedFleet(_ source: AppInterfaceSource, http: HTTPClient) async throws
        -> (instances: [AppInterfaceModel.Instance], managed: [String: [String: [String]]])
    {
        let catalog = try await source.open(http: http, resolvingProjects: false)
        return (try catalog.instances(named: appInterface.instance), Self.managedProjects(try catalog.projectKeys()))
    }

    /// Instance name → organization name → slugs of the managed projects, from keys in stream
    /// order (so each list is sorted; a key declared twice is listed once).
    private static func managedProjects(_ keys: [ProjectKey]) -> [String: [String: [String]]] {
        var managed: [String: [String: [String]]] = [:]
        for key in keys where managed[key.instance]?[key.organization]?.last != key.project {
            managed[key.instance, default: [:]][key.organization, default: []].append(key.project)
        }
        return managed
    }

    private func stats(_ started: ContinuousClock.Instant, _ counters: [HTTPCounters], _ cache: ListingCache?) -> [String: JSONValue] {
        [
            "requests": .int(Int64(counters.reduce(0) { $0 + $1.requests })),
            "retries": .int(Int64(counters.reduce(0) { $0 + $1.retries })),
            "cache_hits": .int(Int64(cache?.hits ?? 0)),
            "cache_misses": .int(Int64(cache?.misses ?? 0)),
            "elapsed_ms": .int(Int64((ContinuousClock.now - started).milliseconds)),
        ]
    }
}
