import GTStreams
#if canImport(Glibc)
import Glibc
#endif

/// The metrics of each way a run ends (README "Cron, with metrics"): every run leaves them.
extension RunMetrics {
    /// A run that reported: what its report says, with the stream's and its own stats.
    public init(_ report: ApplyReport, dryRun: Bool, actionStats: [String: JSONValue], ownStats: [String: JSONValue]) {
        self.init(status: report.status, finishedAt: Self.now(), dryRun: dryRun, plan: report.plan,
                  outcomes: report.outcomes, runErrors: report.runErrors.count, actionStats: actionStats, ownStats: ownStats)
    }

    /// A run that ended while its plan was read (a signal, a refused stream): no action was
    /// attempted, the run as a whole has one error.
    public static func unreadPlan(_ status: RunStatus, dryRun: Bool, elapsed: Duration) -> RunMetrics {
        RunMetrics(status: status, finishedAt: now(), dryRun: dryRun, runErrors: 1,
                   ownStats: ["elapsed_ms": .int(Int64(elapsed.milliseconds))])
    }

    /// A run whose gt-apply ended without writing its metrics (`--record-unreported-run`):
    /// stopped before it could report (`interrupted`), or dead of a signal of its own (`failed`).
    public static func unreported(interrupted: Bool, dryRun: Bool) -> RunMetrics {
        RunMetrics(status: interrupted ? .interrupted : .failed, finishedAt: now(), dryRun: dryRun, runErrors: 1)
    }

    /// Unix time now.
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
