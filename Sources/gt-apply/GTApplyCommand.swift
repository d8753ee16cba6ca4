import ApplyCore
import ApplyRun
import AppInterfaceCLI
import ArgumentParser
import FleetCLI
import GTStreams
import GTCLI
import Glibc

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

    @OptionGroup var fleet: FleetOptions<ApplyFleet>

    @Option(help: ArgumentHelp("After the run, write Prometheus metrics to this file, atomically (node_exporter's textfile collector; also GT_METRICS_FILE).", valueName: "path"))
    var metricsFile: String?

    @Option(help: ArgumentHelp("Only write the metrics file, for a run whose gt-apply ended without writing it (gt-reconcile uses it); reads no stream.", valueName: "status"))
    var recordUnreportedRun: UnreportedRun?

    @OptionGroup(title: "App-Interface (with --no-dry-run: where each instance's token may be sent)")
    var appInterface: AppInterfaceOptions

    @OptionGroup(title: "Output")
    var output: OutputOptions

    @Flag(help: """
        With a shared cache (--cache-url, GT_CACHE_URL): take only this host's file lock, not the \
        shared run locks. Gives up excluding runs on other hosts (two hosts may apply the same plan \
        and create alerts twice); allows applying while the Redis server is down.
        """)
    var fileLocksOnly = false

    /// A run whose gt-apply ended without writing its metrics: stopped before it could report
    /// (gt-reconcile's --timeout, a signal), or dead of a signal of its own or before its run.
    enum UnreportedRun: String, ExpressibleByArgument, CaseIterable { case interrupted, failed }

    func validate() throws {
        if let maxDeletes, maxDeletes < 0 { throw ValidationError("--max-deletes must be ≥ 0, got \(maxDeletes)") }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let environment = Environment.current
        let diagnostics = Diagnostics(tool: "gt-apply")
        let (dryRun, text) = (dryRun, output.wantsText())
        let metrics = MetricsRecorder(path: MetricsRecorder.path(flag: metricsFile, environment: environment), problems: diagnostics.error)
        if let recordUnreportedRun {
            guard metrics.hasPath else { throw ValidationError("--record-unreported-run needs --metrics-file or GT_METRICS_FILE") }
            guard metrics.record(.unreported(interrupted: recordUnreportedRun == .interrupted, dryRun: dryRun)) else { throw ExitCode.failure }
            return
        }
        // A usage error, before any lock is taken: without App-Interface no token may go anywhere.
        let source = Result { try appInterface.source(environment: environment) }
        if !dryRun, case .failure(let error) = source {
            throw ValidationError("--no-dry-run checks the plan's instances against App-Interface: \(error)")
        }
        let generator = "gt-apply \(GTVersion.current)"
        let interruption = RunInterruption()
        // A signal that ends the run at once: while the plan is read nothing was applied, and the
        // results stream says it is incomplete. The metrics record an interrupted run either way.
        let signals = forwardSignals(to: interruption) { end in
            if case .whileReading = end, !text { StreamWriter(stream: .results, generator: generator, output: .standardOutput()).finish(complete: false) }
            _ = metrics.record(.unreadPlan(.interrupted, dryRun: dryRun, elapsed: .now - started))
        }
        defer { withExtendedLifetime(signals) {} }

        let read = Result { try ApplyPlan.read(LineReader(fd: 0)) }
        interruption.beginRunning()
        let form: RunOutput.Form = !text ? .stream : output.wantsMarkdown ? .markdown : .text(color: output.wantsColor(environment: environment))
        let out = RunOutput(form, on: .standardOutput(), generator: generator, dryRun: dryRun, metrics: metrics, diagnostics: diagnostics)
        guard let (plan, actionStats) = out.accepted(read, elapsed: .now - started) else { throw ExitCode.failure }

        let settings = ApplySettings(dryRun: dryRun, maxDeletes: maxDeletes, concurrency: fleet.concurrency, cacheURL: fleet.cacheUrl,
                                     fileLocksOnly: fileLocksOnly, instance: appInterface.instance, environment: environment)
        let run = ApplyRun(plan: plan, source: dryRun ? nil : try? source.get(), settings: settings,
                           interruption: interruption)
        func exitStatus(_ outcome: ApplyOutcome) -> Int32 {
            guard out.report(outcome, actionStats: actionStats, elapsed: .now - started) else { return 1 }
            if let signal = outcome.report.interruption { return RunInterruption.exitStatus(signal) }
            return outcome.report.status == .skipped || outcome.report.allErrors.isEmpty ? 0 : 1
        }
        // Requests still under way after the grace are left behind: the process ends without the
        // exit handlers, which would race libcurl's cleanup on the transfer threads (docs/architecture.md).
        let status = exitStatus(await run.run { abandoned in _exit(exitStatus(abandoned)) })
        if status != 0 { throw ExitCode(status) }
    }
}
