import ApplyCore
import ApplyRun
import CurrentCore
import CurrentRun
import DiffCore
import GTCache
import GTHTTP
import GTStreams

/// One reconcile request run in process on the pipeline's cores, as
/// `gt-desired | gt-diff <(gt-current) | gt-apply` runs it: the desired stream from the request
/// (DesiredCore), the current state of exactly its instances, organizations and projects
/// (CurrentRun, through the cache), the plan (DiffCore's ``StreamMerge``), then ApplyRun, a dry
/// run unless the request says otherwise: with its per-instance run locks, the request's
/// instances as App-Interface's (where a token may go), every safety check of gt-apply.
public enum ReconcileTask {
    public struct Settings: Sendable {
        /// Requests in flight per instance while reading (gt-current's `--concurrency`).
        public var fetchConcurrency = 8
        /// Requests in flight per instance while applying (gt-apply's `--concurrency`).
        public var applyConcurrency = 4
        /// The shared cache and locks (`--cache-url`); else `GT_CACHE_URL`, else files.
        public var cacheURL: String?
        /// The instances a task may reach, each pinned to its URL and token (`--instances`);
        /// nil: any the request names (`--any-console-url`, the reference's behaviour).
        public var pins: InstancePins?
        /// After an interruption, how long changes under way are waited for.
        public var grace: Duration = .seconds(5)

        public init() {}
    }

    /// Runs `request` with the variables in `environment` (README "Environment": the secret
    /// stores, cache and lock directories, TTLs, CAs). Never throws: a task that cannot go on
    /// is `failed` with the reason, which names no secret. `interruption` stops it as a
    /// signal stops gt-apply.
    public static func run(_ request: ReconcileRequest, environment: [String: String], settings: Settings = Settings(),
                           interruption: RunInterruption = RunInterruption()) async -> ReconcileResult {
        let spill = SystemCall.temporaryDirectory(environment: environment)
        let desired: DesiredRecords
        let checked: Result<DesiredRecords, RequestRefusal>
        if let records = request.checked { checked = .success(records) } else { checked = await request.desiredRecords(spillDirectory: spill) }
        switch checked {
        case .success(let records): desired = records
        case .failure(let refusal): return .failed("the request breaks a rule of the desired state: \(refusal)")
        }
        // Lends Vault's client its retry policy; sends nothing itself.
        let http = CurrentRun.appInterfaceClient(environment: environment)
        let routing: TokenRouting
        do { routing = try TokenRouting.make(request, environment: environment, http: http, pins: settings.pins) } catch {
            await http.transport.shutdown()
            return .failed("\(error)")
        }
        let result = await run(request, desired, routing, environment: environment, settings: settings, interruption: interruption)
        await routing.secrets?.shutdown()
        await http.transport.shutdown()
        return result
    }

    private static func run(_ request: ReconcileRequest, _ desired: DesiredRecords, _ routing: TokenRouting,
                            environment: [String: String], settings: Settings, interruption: RunInterruption) async -> ReconcileResult {
        let plan: ApplyPlan
        let warnings: [String]
        var requests = ReconcileResult.GlitchTipRequests()
        do {
            (plan, warnings) = try await Self.plan(desired, routing, environment: environment, settings: settings,
                                                   requests: &requests.current)
        } catch {
            var failed = ReconcileResult.failed("\(error)")
            failed.requests = requests
            return failed
        }
        var applySettings = ApplySettings(dryRun: request.dryRun, concurrency: settings.applyConcurrency, cacheURL: settings.cacheURL,
                                          environment: environment)
        applySettings.grace = settings.grace
        let run = ApplyRun(plan: plan, source: .model(request.desiredModel), settings: applySettings, interruption: interruption,
                           connector: { opened, concurrency in
                               RoutedSessions(routing: routing, opened: opened, concurrency: concurrency, environment: environment)
                           })
        let outcome = await run.run()
        var result = ReconcileResult(outcome.report, warnings: warnings + plan.notices.filter { $0.level == .warning }.map(\.message)
                                         + outcome.warnings)
        requests.apply = outcome.requests
        result.requests = requests
        return result
    }

    /// The plan gt-diff makes from the desired records and the current state read now, and
    /// the warnings the read left beside its stream (cache entries not written, say).
    /// `requests` is set to the requests the read sent GlitchTip, also when the plan fails.
    static func plan(_ desired: DesiredRecords, _ routing: TokenRouting, environment: [String: String],
                     settings: Settings, requests: inout Int) async throws -> (ApplyPlan, [String]) {
        let spill = SystemCall.temporaryDirectory(environment: environment)
        let desiredFile = try StreamFile(.desired, in: spill)
        desired.instances.forEach { desiredFile.writer.write($0.json) }
        desired.projects.forEach { desiredFile.writer.write($0) }
        desiredFile.writer.finish()

        let currentFile = try StreamFile(.current, in: spill)
        let current = CurrentSettings(concurrency: settings.fetchConcurrency, ttl: try CacheTTLs.fromEnvironment(environment),
                                      spillDirectory: spill)
        let tier = try SecondTier.open(redis: try SecondTier.redis(flag: settings.cacheURL, environment: environment),
                                       environment: environment)
        let report = await CurrentRun.run(ManagedFleet(instances: desired.instances, keys: desired.keys), settings: current, tier: tier,
                                          connect: routing.connector(concurrency: current.concurrency, environment: environment),
                                          into: StreamWriterSink(writer: currentFile.writer, notice: { _ in }))
        currentFile.writer.finish(complete: report.failure == nil)
        requests = report.requests

        var builder = PlanBuilder()
        let actions = try StreamMerge(desired: try desiredFile.reader(), current: try currentFile.reader()).run(into: &builder)
        var plan = ApplyPlan()
        for instance in builder.instances { plan.instances[instance.name] = instance }
        plan.notices = builder.notices
        plan.actions = actions
        return (plan, report.warnings)
    }
}
