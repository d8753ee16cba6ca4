import ApplyCore
import AppInterface
import GTStreams
import GTHTTP
import GTCache

/// One reconcile of a plan against GlitchTip, in process (README "gt-apply"): the deletes
/// bounded, every instance's run lock taken (files, and shared ones with a shared cache), the
/// plan's instances checked against App-Interface's, the actions applied, everything reported.
/// It writes nothing to stdout or stderr, installs no signal handler and never exits: gt-apply
/// (or a server) reads the plan, turns its signals into `interruption`, and prints the outcome.
public struct ApplyRun: Sendable {
    public let plan: ApplyPlan
    /// App-Interface: where each instance's token may go. Needed unless a dry run.
    public let source: AppInterfaceSource?
    public let settings: ApplySettings
    public let interruption: RunInterruption
    /// How instances are reached once trusted (``GlitchTipSessions``; tests: in memory).
    let makeConnector: InstanceConnectorFactory
    /// App-Interface's HTTP client (GraphQL; Vault's transport is made from it).
    let makeSourceHTTP: @Sendable () -> HTTPClient

    /// - Parameter connector: how trusted instances are reached; nil: GlitchTip as it is
    ///   (``GlitchTipSessions``, transports made with the settings' environment).
    public init(plan: ApplyPlan, source: AppInterfaceSource?, settings: ApplySettings, interruption: RunInterruption,
                connector: InstanceConnectorFactory? = nil) {
        let environment = settings.environment
        self.init(plan: plan, source: source, settings: settings, interruption: interruption,
                  connector: connector ?? { GlitchTipSessions(secrets: $0, concurrency: $1, environment: environment) },
                  sourceHTTP: {
                      HTTPClient(transport: HTTPTransport(maxConcurrent: 2, environment: environment), retry: RetryPolicy(maxRetries: 3))
                  })
    }

    init(plan: ApplyPlan, source: AppInterfaceSource?, settings: ApplySettings, interruption: RunInterruption,
         connector: @escaping InstanceConnectorFactory, sourceHTTP: @escaping @Sendable () -> HTTPClient) {
        self.plan = plan
        self.source = source
        self.settings = settings
        self.interruption = interruption
        makeConnector = connector
        makeSourceHTTP = sourceHTTP
    }

    /// Runs the plan and returns how it went; never throws (every refusal is in the report).
    ///
    /// - Parameter abandoning: called when the grace after a signal ends with requests still
    ///   under way, with the outcome this returns, before those requests are cancelled and
    ///   awaited: gt-apply writes its report there and ends the process without waiting.
    public func run(abandoning: (ApplyOutcome) async -> Void = { _ in }) async -> ApplyOutcome {
        interruption.beginRunning()
        var report = ApplyReport(plan: plan)
        let progress = ApplyProgress(count: plan.actions.count)
        if let maxDeletes = settings.maxDeletes, plan.deletes > maxDeletes {
            report.refuse("the plan deletes \(plan.deletes) alerts, more than --max-deletes \(maxDeletes); nothing applied")
            return Self.outcome(report, progress)
        }
        guard !settings.dryRun else { return Self.outcome(report, progress) }
        guard let source else {
            // Checked before any lock is taken: a run without App-Interface sends nothing.
            report.refuse("gt-apply --no-dry-run checks the plan's instances against App-Interface: no App-Interface source; "
                          + "nothing applied")
            return Self.outcome(report, progress)
        }
        return await LockedRun(run: self, source: source, progress: progress).run(report, abandoning: abandoning)
    }

    static func outcome(_ report: ApplyReport, _ progress: ApplyProgress, warnings: [String] = [], abandoned: Bool = false) -> ApplyOutcome {
        let counters = progress.httpCounters
        return ApplyOutcome(report: report, requests: counters.reduce(0) { $0 + $1.requests },
                            retries: counters.reduce(0) { $0 + $1.retries }, warnings: warnings, abandoned: abandoned)
    }
}
