import ApplyCore
import AppInterface
import GTStreams
import GTCache

/// The part of a `--no-dry-run` under its locks: every instance's file lock (``RunLock``) and,
/// with a shared cache, its shared lock (README "Running on many hosts"), taken even with
/// nothing to do, so a concurrent run is skipped as the reference's is (docs/architecture.md,
/// "Lock and cache directories"); then App-Interface read and the plan applied.
struct LockedRun {
    let run: ApplyRun
    let source: AppInterfaceSource
    let progress: ApplyProgress

    /// The locks this run took, released once it is concluded.
    private struct Held {
        var file: RunLock?
        var shared: RedisRunLock?
    }

    func run(_ report: ApplyReport, abandoning: (ApplyOutcome) async -> Void) async -> ApplyOutcome {
        var report = report
        var held = Held()
        let (settings, plan, environment) = (run.settings, run.plan, run.settings.environment)
        do {
            let redis = try SecondTier.redis(flag: settings.cacheURL, environment: environment)
            let sharedLifetime = try RedisRunLock.milliseconds(environment: environment)
            let ttl = try CacheTTLs.fromEnvironment(environment)
            let directory = try CacheDirectory.fromEnvironment(environment)
            let lockDirectory = try RunLock.directory(environment: environment, cache: directory)
            switch try RunLock.acquire(directory: lockDirectory, instances: plan.lockedInstances) {
            case .acquired(let lock):
                held.file = lock
            case .busy:
                report.skip(reason: "duplicate_task")
            case .stale(let seconds, let pid):
                report.refuse("another gt-apply (pid \(pid)) has held the lock for \(plan.instanceSet) for \(seconds) s, "
                              + "over \(Int(RunLock.staleAfter)) s: a stale holder; nothing applied")
            }
            if held.file != nil, let redis, !settings.fileLocksOnly {
                held.shared = try await HeldLocks.takeShared(redis, plan, milliseconds: sharedLifetime, &report)
                if held.shared == nil { held.file?.release(); held.file = nil }
            }
            if let file = held.file, !plan.actions.isEmpty {
                let locks = HeldLocks(file: file, shared: held.shared)
                let cache = try SecondTier.open(redis: redis, environment: environment).map { ListingCache(tier: $0, ttl: ttl) }
                let preparation = RunPreparation(plan: plan, source: source, settings: settings, makeSourceHTTP: run.makeSourceHTTP,
                                                 makeConnector: run.makeConnector)
                let executor = try await preparation.executor(cache: cache, locks: locks, interruption: run.interruption,
                                                              progress: progress)
                return await apply(executor, report, held, cache: cache, abandoning: abandoning)
            }
        } catch {
            report.refuse("\(error); nothing applied")
        }
        return await conclude(report, held)
    }

    /// The work against the grace after a signal; concluded when the work ends, or when the
    /// grace does (then before the requests under way are let go).
    private func apply(_ executor: PlanExecutor, _ report: ApplyReport, _ held: Held, cache: ListingCache?,
                       abandoning: (ApplyOutcome) async -> Void) async -> ApplyOutcome {
        var abandoned: ApplyOutcome?
        let ended = await run.interruption.race({ [progress] in await executor.run(into: progress) }, grace: run.settings.grace) {
            let outcome = await conclude(recorded(report, cache), held, abandoned: true)
            abandoned = outcome
            await abandoning(outcome)
        }
        if !ended, let abandoned { return abandoned }
        return await conclude(recorded(report, cache), held)
    }

    /// `report` with each action's state now, and the cache entries that could not be removed:
    /// other hosts plan from such a shared entry until its TTL, so it is an error of the run,
    /// unless it gave up excluding them (`--file-locks-only`: a warning).
    private func recorded(_ report: ApplyReport, _ cache: ListingCache?) -> (ApplyReport, [String]) {
        var report = report
        report.record(progress.snapshot, interruptedBy: run.interruption.signal)
        let problems = cache?.problems ?? []
        if run.settings.fileLocksOnly { return (report, problems) }
        problems.forEach { report.refuse($0) }
        return (report, [])
    }

    private func conclude(_ recorded: (ApplyReport, [String]), _ held: Held, abandoned: Bool = false) async -> ApplyOutcome {
        var report = recorded.0
        if let problem = await held.shared?.release() { report.refuse(problem) }
        held.file?.release()
        return ApplyRun.outcome(report, progress, warnings: recorded.1, abandoned: abandoned)
    }

    private func conclude(_ report: ApplyReport, _ held: Held) async -> ApplyOutcome {
        await conclude((report, []), held)
    }
}
