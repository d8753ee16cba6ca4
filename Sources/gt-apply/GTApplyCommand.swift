import ApplyCore
import InstanceAccess
import AppInterface
import AppInterfaceCLI
import ArgumentParser
import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTHTTP
import GTCache

@main
struct GTApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gt-apply",
        abstract: "Apply planned actions to GlitchTip; dry run unless --no-dry-run (results stream).",
        discussion: """
            Reads the whole action stream first and acts only on a complete one. With --no-dry-run, \
            one run per instance at a time (a concurrent one reports skipped/duplicate_task; with \
            GT_CACHE_URL also across hosts, through Redis); \
            before an update or delete the project's alerts are read fresh, and a changed alert fails \
            as a stale plan. Instance tokens are read through Vault or GT_SECRETS_FILE and sent only \
            to the instance's URL as App-Interface declares it (--data, --bundle, --graphql, or \
            GT_DATA_DIR / GT_GRAPHQL_URL; needed with --no-dry-run). SIGINT/SIGTERM: no new change \
            starts, the run reports what it attempted (status interrupted) and exits 128+signal.
            """,
        version: GTVersion.current)

    @Flag(inversion: .prefixedNo, help: "Only report what would be done (the default); --no-dry-run executes.")
    var dryRun = true

    // `.unconditional`: `--max-deletes -1` reaches validate() and gets the real reason, instead
    // of being taken for an option ("Missing value").
    @Option(parsing: .unconditional, help: ArgumentHelp("Refuse the whole run when the plan deletes more alerts than this.", valueName: "n"))
    var maxDeletes: Int?

    @Option(help: "Requests in flight per instance (projects in parallel; actions within a project in order).")
    var concurrency = 4

    @Option(help: ArgumentHelp("After the run, write Prometheus metrics to this file, atomically (node_exporter's textfile collector; also GT_METRICS_FILE).", valueName: "path"))
    var metricsFile: String?

    @Option(help: ArgumentHelp("Only write the metrics file, for a run whose gt-apply ended without writing it (gt-reconcile uses it); reads no stream.", valueName: "status"))
    var recordUnreportedRun: UnreportedRun?

    @OptionGroup(title: "App-Interface (with --no-dry-run: where each instance's token may be sent)")
    var appInterface: AppInterfaceOptions

    @OptionGroup(title: "Output")
    var output: OutputOptions

    @Option(help: ArgumentHelp(SecondTier.cacheURLHelp, valueName: "url"))
    var cacheUrl: String?

    @Flag(help: """
        With a shared cache (--cache-url, GT_CACHE_URL): take only this host's file lock, not the \
        shared run locks. Gives up excluding runs on other hosts (two hosts may apply the same plan \
        and create alerts twice); allows applying while the Redis server is down.
        """)
    var fileLocksOnly = false

    /// After the first signal, how long the requests under way are waited for before the run
    /// reports without them (docs/streams.md, "interrupted"). gt-reconcile waits longer.
    static let interruptGrace: Duration = .seconds(5)

    func validate() throws {
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 256") }
        if let maxDeletes, maxDeletes < 0 { throw ValidationError("--max-deletes must be ≥ 0, got \(maxDeletes)") }
        if let cacheUrl {
            do { _ = try RedisURL(parsing: cacheUrl) } catch { throw ValidationError("--cache-url: \(error)") }
        }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let environment = Environment.current
        let diagnostics = Diagnostics(tool: "gt-apply")
        let stdout = FileOutput.standardOutput()
        let text = output.wantsText()
        let generator = "gt-apply \(GTVersion.current)"
        let metricsPath = metricsPath(environment)
        if let recordUnreportedRun { return try recordUnreported(recordUnreportedRun, environment: environment, diagnostics: diagnostics) }
        // A signal while the plan is read: nothing was applied; the results stream says it is
        // incomplete, and the process ends at once. Then, as after a second signal, the metrics
        // record an interrupted run (unless the run's own are written already).
        let dryRun = dryRun
        let metrics = MetricsRecorder(path: metricsPath, diagnostics: diagnostics)
        let interruption = Interruption(whileReading: { _ in
            if !text { StreamWriter(stream: .results, generator: generator, output: .standardOutput()).finish(complete: false) }
        }, beforeExit: { _ in _ = metrics.record(Self.unreadPlanMetrics(.interrupted, dryRun: dryRun, started: started)) })

        var plan = ApplyPlan()
        var actionStats: [String: JSONValue] = [:]
        var readError: Error?
        do {
            let reader = try StreamReader(stream: .actions, lines: LineReader(fd: 0))
            while let record = try reader.next() {
                do { try plan.add(record) } catch {
                    throw StreamError(stream: "actions", line: record.line, message: "\(error)")
                }
            }
            actionStats = reader.trailer?.stats ?? [:]
        } catch {
            readError = error
        }
        interruption.beginRunning()
        let writer = text ? nil : StreamWriter(stream: .results, generator: generator, output: stdout)
        if let readError {
            // Nothing is applied from a stream that is not known to be complete.
            diagnostics.error("\(readError); nothing applied")
            writer?.finish(complete: false)
            _ = metrics.record(Self.unreadPlanMetrics(.failed, dryRun: dryRun, started: started))
            throw ExitCode.failure
        }

        var report = ApplyReport(plan: plan)
        let progress = ApplyProgress(count: plan.actions.count)
        var abandoned = false
        var lock: RunLock?
        var sharedLock: RedisRunLock?
        if let maxDeletes, plan.deletes > maxDeletes {
            report.refuse("the plan deletes \(plan.deletes) alerts, more than --max-deletes \(maxDeletes); nothing applied")
        } else if !dryRun {
            // Every --no-dry-run takes the lock, even with nothing to do: a concurrent run is
            // skipped as the reference's is (docs/architecture.md, "Lock and cache directories").
            do {
                let redis = try SecondTier.redis(flag: cacheUrl, environment: environment)
                let sharedLifetime = try RedisRunLock.milliseconds(environment: environment)
                let directory = try CacheDirectory.fromEnvironment(environment)
                let lockDirectory = try RunLock.directory(environment: environment, cache: directory)
                switch try RunLock.acquire(directory: lockDirectory, instances: plan.lockedInstances) {
                case .acquired(let held):
                    lock = held
                case .busy:
                    report.skip(reason: "duplicate_task")
                case .stale(let seconds, let pid):
                    report.refuse("another gt-apply (pid \(pid)) has held the lock for \(plan.instanceSet) for \(seconds) s, "
                                  + "over \(Int(RunLock.staleAfter)) s: a stale holder; nothing applied")
                }
                if lock != nil, let redis, !fileLocksOnly {
                    sharedLock = try await takeSharedLock(redis, plan, milliseconds: sharedLifetime, &report)
                    if sharedLock == nil { lock?.release(); lock = nil }
                }
                if let held = lock, !plan.actions.isEmpty {
                    let locks = HeldLocks(file: held, shared: sharedLock)
                    let cache = try SecondTier.open(redis: redis, environment: environment).map { ListingCache(tier: $0, ttl: CacheTTLs()) }
                    let executor = try await executor(plan, environment: environment, cache: cache, interruption: interruption,
                                                      progress: progress, locks: locks)
                    Task { await executor.run(into: progress); progress.markFinished() }
                    abandoned = !(await waitForWork(progress, interruption))
                    report.record(progress.snapshot, interruptedBy: interruption.signal)
                    // A shared entry not removed after a mutation: other hosts plan from it until its TTL.
                    cache?.problems.forEach { fileLocksOnly ? diagnostics.warning($0) : report.refuse($0) }
                }
            } catch {
                report.refuse("\(error); nothing applied")
            }
            if let problem = await sharedLock?.release() { report.refuse(problem) }
        }
        let counters = progress.httpCounters

        let stats: [String: JSONValue] = [
            "requests": .int(Int64(counters.reduce(0) { $0 + $1.requests })),
            "retries": .int(Int64(counters.reduce(0) { $0 + $1.retries })),
            "elapsed_ms": .int(Int64((ContinuousClock.now - started).milliseconds)),
        ]
        if let writer {
            report.records().forEach(writer.write)
            writer.finish(stats: stats)
        } else if output.wantsMarkdown {
            stdout.write(report.markdown(dryRun: dryRun))
            stdout.flush()
        } else {
            stdout.write(report.text(PlanText(color: output.wantsColor(environment: environment)), dryRun: dryRun))
            stdout.flush()
        }
        report.ownErrors.forEach(diagnostics.error)
        lock?.release()
        guard metrics.record(RunMetrics(report, dryRun: dryRun, actionStats: actionStats, ownStats: stats)) else { throw ExitCode.failure }
        do { try stdout.finish() } catch {
            diagnostics.error("\(error)")
            throw ExitCode.failure
        }
        if let signal = report.interruption {
            // Requests still under way are left behind: end without the exit handlers, which
            // would race libcurl's cleanup on the transfer threads (docs/architecture.md).
            if abandoned { _exit(Interruption.exitStatus(signal)) }
            throw ExitCode(Interruption.exitStatus(signal))
        }
        if report.status == .skipped { return }
        if !report.allErrors.isEmpty { throw ExitCode.failure }
    }

    /// Reads App-Interface (the instances gt-apply may send tokens to) and sets up the run.
    private func executor(_ plan: ApplyPlan, environment: [String: String], cache: ListingCache?, interruption: Interruption,
                          progress: ApplyProgress, locks: HeldLocks) async throws -> PlanExecutor {
        let source: AppInterfaceSource
        do { source = try appInterface.source(environment: environment) } catch {
            throw ApplyReport.Problem("gt-apply --no-dry-run checks the plan's instances against App-Interface: \(error)")
        }
        let sourceHTTP = HTTPClient(transport: HTTPTransport(maxConcurrent: 2, environment: environment), retry: RetryPolicy(maxRetries: 3))
        progress.add(sourceHTTP.counters)
        let catalog = try await source.open(http: sourceHTTP, resolvingProjects: false)
        await sourceHTTP.transport.shutdown()  // App-Interface is read; Vault gets a transport of its own
        let declared = try catalog.instances(named: appInterface.instance)
        var byName: [String: InstanceRecord] = [:]
        for instance in declared where byName.updateValue(instance.record, forKey: instance.name) != nil {
            let first = declared.first { $0.name == instance.name }!
            throw ApplyReport.Problem("\(first.origin): instance '\(instance.name)' is declared twice in App-Interface")
        }
        // The organization check's collision rule reads what gt-current reads (docs/safety.md).
        let managed: [ProjectKey]
        do { managed = try catalog.projectKeys() } catch {
            throw ApplyReport.Problem("gt-apply --no-dry-run checks the plan's organizations against App-Interface: \(error)")
        }
        let secrets = try SecretResolver.fromEnvironment(environment, http: sourceHTTP)
        // The shared locks' lease covers the longest change to these instances (HeldLocks).
        try locks.cover(plan.lockedInstances.sorted().compactMap { name in byName[name].map { (name, $0) } })
        return PlanExecutor(plan: plan,
                            trust: InstanceTrust(declared: byName,
                                                 selection: appInterface.instance),
                            managed: managed,
                            cache: cache, connector: GlitchTipConnector(secrets: secrets, concurrency: concurrency, environment: environment),
                            concurrency: concurrency, interruption: interruption, mayMutate: { await locks.mayMutate() })
    }

    /// Waits until every action is done, or, after a signal, at most ``interruptGrace`` more.
    /// False when the run stopped waiting for requests still under way.
    private func waitForWork(_ progress: ApplyProgress, _ interruption: Interruption) async -> Bool {
        while !progress.isFinished {
            if let elapsed = interruption.elapsedSinceSignal, elapsed > Self.interruptGrace { return false }
            do { try await Task.sleep(nanoseconds: 20_000_000) } catch { return false }
        }
        return true
    }
}
