import ApplyCore
import ArgumentParser
import Foundation
import GTStreams
import GTCLI
import Synchronization

/// `--metrics-file` (README "Cron, with metrics"): every run, however it ends, leaves the file.
extension GTApplyCommand {
    /// A run whose gt-apply ended without writing its metrics (`--record-unreported-run`).
    enum UnreportedRun: String, ExpressibleByArgument, CaseIterable {
        /// Stopped before gt-apply could report: gt-reconcile's --timeout or a signal.
        case interrupted
        /// gt-apply died of a signal of its own, or exited before its run began.
        case failed
    }

    /// Where the metrics go: `--metrics-file`, else `GT_METRICS_FILE`.
    func metricsPath(_ environment: [String: String]) -> String? {
        metricsFile ?? environment["GT_METRICS_FILE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `--record-unreported-run`: writes the metrics of a run gt-apply did not report itself, and
    /// nothing else (no stream is read). gt-reconcile uses it when the gt-apply it started ended
    /// without writing them.
    func recordUnreported(_ run: UnreportedRun, environment: [String: String], diagnostics: Diagnostics) throws {
        guard let path = metricsPath(environment) else {
            throw ValidationError("--record-unreported-run needs --metrics-file or GT_METRICS_FILE")
        }
        let metrics = RunMetrics(status: run == .interrupted ? .interrupted : .failed, finishedAt: Date().timeIntervalSince1970,
                                 dryRun: dryRun, runErrors: 1)
        guard MetricsRecorder(path: path, diagnostics: diagnostics).record(metrics) else { throw ExitCode.failure }
    }

    /// The metrics of a run that ended while its plan was read (a signal, a refused stream): no
    /// action was attempted, the run as a whole has one error.
    static func unreadPlanMetrics(_ status: RunStatus, dryRun: Bool, started: ContinuousClock.Instant) -> RunMetrics {
        RunMetrics(status: status, finishedAt: Date().timeIntervalSince1970, dryRun: dryRun, runErrors: 1,
                   ownStats: ["elapsed_ms": .int(Int64((ContinuousClock.now - started).milliseconds))])
    }

}

/// A run's metrics, written once: by the run's end, or by a signal that ends the process first
/// (``Interruption``), whichever comes first; the other waits for it, then writes nothing.
final class MetricsRecorder: Sendable {
    private let path: String?
    private let diagnostics: Diagnostics
    private let written = Mutex(false)

    init(path: String?, diagnostics: Diagnostics) {
        self.path = path
        self.diagnostics = diagnostics
    }

    /// False (the reason reported) when the file could not be written; true without a path.
    func record(_ metrics: @autoclosure () -> RunMetrics) -> Bool {
        guard let path else { return true }
        return written.withLock { done in
            if done { return true }
            done = true
            do { try metrics().write(to: path) } catch {
                diagnostics.error("\(error)")
                return false
            }
            return true
        }
    }
}

extension RunMetrics {
    /// The metrics of a run gt-apply saw through, from its report.
    init(_ report: ApplyReport, dryRun: Bool, actionStats: [String: JSONValue], ownStats: [String: JSONValue]) {
        self.init(status: report.status, finishedAt: Date().timeIntervalSince1970, dryRun: dryRun, plan: report.plan,
                  outcomes: report.outcomes, runErrors: report.runErrors.count, actionStats: actionStats, ownStats: ownStats)
    }
}
