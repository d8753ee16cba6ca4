import ApplyCore
import GTStreams
import GTCLI

/// How a front end shows a run on an output it owns (README "gt-apply"): the results stream
/// (docs/streams.md; its header written at once) or the run for people, text or Markdown; each
/// error and warning through `diagnostics`; then the metrics file (``MetricsRecorder``).
public final class RunOutput {
    public enum Form { case stream, text(color: Bool), markdown }

    private let form: Form
    private let output: FileOutput
    private let writer: StreamWriter?
    private let dryRun: Bool
    private let metrics: MetricsRecorder
    private let diagnostics: Diagnostics

    public init(_ form: Form, on output: FileOutput, generator: String, dryRun: Bool, metrics: MetricsRecorder, diagnostics: Diagnostics) {
        self.form = form
        self.output = output
        if case .stream = form { writer = StreamWriter(stream: .results, generator: generator, output: output) } else { writer = nil }
        self.dryRun = dryRun
        self.metrics = metrics
        self.diagnostics = diagnostics
    }

    /// The plan `read`, or nil when it could not be read: then nothing is applied from a stream
    /// not known to be complete, and the output, the error and the metrics say so.
    public func accepted(_ read: Result<(plan: ApplyPlan, stats: [String: JSONValue]), any Error>,
                         elapsed: Duration) -> (plan: ApplyPlan, stats: [String: JSONValue])? {
        switch read {
        case .success(let plan): return plan
        case .failure(let error):
            diagnostics.error("\(error); nothing applied")
            writer?.finish(complete: false)
            _ = metrics.record(.unreadPlan(.failed, dryRun: dryRun, elapsed: elapsed))
            return nil
        }
    }

    /// Writes the outcome, its warnings and errors, and the metrics; false when the metrics
    /// file or the output could not be written (the reason printed).
    public func report(_ outcome: ApplyOutcome, actionStats: [String: JSONValue], elapsed: Duration) -> Bool {
        let (report, stats) = (outcome.report, outcome.stats(elapsed: elapsed))
        switch form {
        case .stream:
            report.records().forEach { writer?.write($0) }
            writer?.finish(stats: stats)
        case .text(let color):
            output.write(report.text(PlanText(color: color), dryRun: dryRun))
            output.flush()
        case .markdown:
            output.write(report.markdown(dryRun: dryRun))
            output.flush()
        }
        outcome.warnings.forEach(diagnostics.warning)
        report.ownErrors.forEach(diagnostics.error)
        guard metrics.record(RunMetrics(report, dryRun: dryRun, actionStats: actionStats, ownStats: stats)) else { return false }
        do { try output.finish() } catch {
            diagnostics.error("\(error)")
            return false
        }
        return true
    }
}
