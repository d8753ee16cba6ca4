import GTStreams

/// How a gt-apply run ended, as its summary and its metrics say (docs/streams.md, "summary").
public enum RunStatus: String, CaseIterable, Sendable {
    case success, failed, skipped
    /// Stopped by SIGINT/SIGTERM before it was done: gt-reconcile's `--timeout`, an operator, a
    /// service manager. Neither failed (no action failed for it) nor success.
    case interrupted
}

/// What a gt-apply run leaves for node_exporter's textfile collector (`--metrics-file`,
/// README "Cron, with metrics"): Prometheus text format, written after every run, whatever its
/// status (``MetricsFile`` writes it).
///
/// Every `gt_last_run_*` metric is a gauge describing the last run alone. The two values that
/// outlive a run are carried over from the previous file: `gt_last_success_timestamp_seconds`
/// (what a "gt has not succeeded for N hours" alert needs) and the counter `gt_runs_total`.
/// Labels are bounded: the GlitchTip instance (named `glitchtip_instance`, since Prometheus
/// owns `instance`), the action type, the result, the tool, the status; never an alert or project.
public struct RunMetrics: Sendable {
    static let results = ["applied", "failed", "not_attempted"]

    public var status: RunStatus
    /// Unix time.
    public var finishedAt: Double
    public var dryRun: Bool
    public var plan: ApplyPlan
    /// Each action's outcome, in `plan.actions` order.
    public var outcomes: [ActionOutcome]
    /// Errors of the run as a whole (refusals, an interruption), not tied to one instance.
    public var runErrors: Int
    /// The actions stream's trailer stats: gt-diff's own, and under `upstream` gt-desired's and
    /// gt-current's (docs/streams.md).
    public var actionStats: [String: JSONValue]
    /// gt-apply's own counters (`requests`, `retries`, `elapsed_ms`).
    public var ownStats: [String: JSONValue]

    /// `outcomes` nil: no action was attempted.
    public init(status: RunStatus, finishedAt: Double, dryRun: Bool, plan: ApplyPlan = ApplyPlan(), outcomes: [ActionOutcome]? = nil,
                runErrors: Int, actionStats: [String: JSONValue] = [:], ownStats: [String: JSONValue] = [:]) {
        self.status = status
        self.finishedAt = finishedAt
        self.dryRun = dryRun
        self.plan = plan
        self.outcomes = outcomes ?? Array(repeating: .planned, count: plan.actions.count)
        self.runErrors = runErrors
        self.actionStats = actionStats
        self.ownStats = ownStats
    }

    // MARK: rendering

    private struct Family {
        var name: String
        var type: String
        var help: String
        var samples: [(labels: [(String, String)], value: String)] = []
    }

    /// The file's text; `previous` is the file this run replaces (nil when there is none).
    public func render(previous: String?) -> String {
        let carried = CarriedOver(previous)
        var families: [Family] = []

        families.append(Family(name: "gt_last_run_timestamp_seconds", type: "gauge",
                               help: "When the last gt-apply run ended, in Unix time.",
                               samples: [([], Self.number(finishedAt))]))
        let lastSuccess = status == .success ? finishedAt : carried.lastSuccess
        families.append(Family(name: "gt_last_success_timestamp_seconds", type: "gauge",
                               help: "When a gt-apply run last ended with status success, in Unix time (0: never).",
                               samples: [([], Self.number(lastSuccess))]))
        families.append(Family(name: "gt_last_run_status", type: "gauge",
                               help: "The last run's status (success, failed, skipped, interrupted): 1 for the status it had, 0 for the others.",
                               samples: RunStatus.allCases.map { ([("status", $0.rawValue)], $0 == status ? "1" : "0") }))
        families.append(Family(name: "gt_last_run_skipped_duplicate", type: "gauge",
                               help: "1 when the last run did nothing because another gt-apply held the lock (duplicate_task).",
                               samples: [([], status == .skipped ? "1" : "0")]))
        families.append(Family(name: "gt_last_run_dry_run", type: "gauge",
                               help: "1 when the last run was a dry run.", samples: [([], dryRun ? "1" : "0")]))
        var runs = carried.runs
        runs[status] = CarriedOver.counted(runs[status] ?? 0)
        families.append(Family(name: "gt_runs_total", type: "counter",
                               help: "gt-apply runs that wrote this file, by status.",
                               samples: RunStatus.allCases.map { ([("status", $0.rawValue)], String(runs[$0] ?? 0)) }))

        let instances = instanceNames
        var planned = Family(name: "gt_last_run_actions_planned", type: "gauge",
                             help: "Actions in the last run's plan, per GlitchTip instance and type.")
        var done = Family(name: "gt_last_run_actions", type: "gauge",
                          help: "Actions of the last run per GlitchTip instance, type and result (applied, failed, not_attempted: dry run, refused, skipped or interrupted).")
        for instance in instances {
            for type in ActionRecord.Kind.allCases {
                let indices = plan.actions.indices.filter { plan.actions[$0].instance == instance && plan.actions[$0].type == type }
                planned.samples.append(([("glitchtip_instance", instance), ("type", type.rawValue)], String(indices.count)))
                for result in Self.results {
                    let count = indices.filter { Self.result(outcomes[$0]) == result }.count
                    done.samples.append(([("glitchtip_instance", instance), ("type", type.rawValue), ("result", result)], String(count)))
                }
            }
        }
        families += [planned, done]

        let errors = errorsByInstance
        families.append(Family(name: "gt_last_run_errors", type: "gauge",
                               help: "Errors of the last run per GlitchTip instance (upstream ones and failed actions; \"\" for errors of the whole run).",
                               samples: ([""] + instances).map { ([("glitchtip_instance", $0)], String(errors[$0] ?? 0)) }))

        let tools = toolStats
        for (name, key, help) in [("gt_last_run_requests", "requests", "HTTP requests of the last run, per tool."),
                                  ("gt_last_run_retries", "retries", "HTTP retries of the last run, per tool."),
                                  ("gt_last_run_cache_hits", "cache_hits", "Cache hits of the last run, per tool."),
                                  ("gt_last_run_cache_misses", "cache_misses", "Cache misses of the last run, per tool.")] {
            let samples = tools.compactMap { tool, stats in stats[key]?.intValue.map { ([("tool", tool)], String($0)) } }
            if !samples.isEmpty { families.append(Family(name: name, type: "gauge", help: help, samples: samples)) }
        }
        let durations = tools.compactMap { tool, stats in
            stats["elapsed_ms"]?.intValue.map { ([("tool", tool)], Self.number(Double($0) / 1000)) }
        }
        families.append(Family(name: "gt_last_run_duration_seconds", type: "gauge",
                               help: "How long each tool of the last run took.", samples: durations))

        var lines: [String] = []
        for family in families {
            lines.append("# HELP \(family.name) \(family.help)")
            lines.append("# TYPE \(family.name) \(family.type)")
            for sample in family.samples {
                let labels = sample.labels.isEmpty ? ""
                    : "{" + sample.labels.map { "\($0.0)=\"\(Self.escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
                lines.append("\(family.name)\(labels) \(sample.value)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every instance the run knew of: from instance records, actions and scoped errors.
    private var instanceNames: [String] {
        var names = Set(plan.instances.keys).union(plan.actions.map(\.instance))
        names.formUnion(plan.notices.compactMap(\.instance))
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    private var errorsByInstance: [String: Int] {
        var errors: [String: Int] = ["": runErrors]
        for notice in plan.notices where notice.level == .error { errors[notice.instance ?? "", default: 0] += 1 }
        for (action, outcome) in zip(plan.actions, outcomes) where outcome.error != nil { errors[action.instance, default: 0] += 1 }
        return errors
    }

    /// Stats per tool, in pipeline order: gt-desired and gt-current through gt-diff's trailer.
    private var toolStats: [(String, [String: JSONValue])] {
        let upstream = actionStats["upstream"]?.objectValue ?? [:]
        var tools: [(String, [String: JSONValue])] = []
        if let desired = upstream["desired"]?.objectValue { tools.append(("gt-desired", desired)) }
        if let current = upstream["current"]?.objectValue { tools.append(("gt-current", current)) }
        if !actionStats.isEmpty { tools.append(("gt-diff", actionStats.filter { $0.key == "elapsed_ms" })) }
        tools.append(("gt-apply", ownStats))
        return tools
    }

    private static func result(_ outcome: ActionOutcome) -> String {
        outcome.applied ? "applied" : outcome.error != nil ? "failed" : "not_attempted"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// Label values escape `\`, `"` and line feeds (Prometheus text format).
    private static func escapeLabel(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

/// The values a run carries over from the file it replaces. The file is gt's own, but whatever
/// it holds (edited, truncated, from another tool) gives a usable value: a last success that is
/// not a finite time ≥ 0 is "never" (0), so an alert on it fires instead of going quiet; a count
/// that is not a whole number ≥ 0 starts again at 0, which Prometheus reads as a counter reset.
struct CarriedOver {
    var lastSuccess = 0.0
    var runs: [RunStatus: Int] = [:]

    init(_ previous: String?) {
        for line in (previous ?? "").split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { continue }
            if parts[0] == "gt_last_success_timestamp_seconds" {
                let value = Double(parts[1]) ?? 0
                lastSuccess = value.isFinite && value >= 0 ? value : 0
            }
            for status in RunStatus.allCases where parts[0] == "gt_runs_total{status=\"\(status.rawValue)\"}" {
                runs[status] = Int(parts[1]).flatMap { $0 >= 0 ? $0 : nil } ?? 0
            }
        }
    }

    /// `count` and this run: a count at `Int.max` restarts at 1 (a reset) instead of trapping.
    static func counted(_ count: Int) -> Int {
        let (next, overflow) = count.addingReportingOverflow(1)
        return overflow ? 1 : next
    }
}
