import ApplyCore
import Foundation
import GTStreams
import GTGlitchTip
import GTCLI

/// What a gt-apply run leaves for node_exporter's textfile collector (`--metrics-file`,
/// README "Operating gt"): Prometheus text format, written after every run — success,
/// failure, skipped — by write-then-rename, so the collector never reads half a file.
///
/// Every `gt_last_run_*` metric is a gauge describing the last run alone. The two values that
/// outlive a run are carried over from the previous file: `gt_last_success_timestamp_seconds`
/// (what a "gt has not succeeded for N hours" alert needs) and the counter `gt_runs_total`.
/// Labels are bounded: the GlitchTip instance (named `glitchtip_instance`, since Prometheus
/// owns `instance`), the action type, the result, the tool, the status; never an alert or project.
struct RunMetrics {
    static let statuses = ["success", "failed", "skipped"]
    static let results = ["applied", "failed", "not_attempted"]

    var finishedAt: Double
    var status: String
    var dryRun: Bool
    var skippedDuplicate: Bool
    var plan: ApplyPlan
    /// Each action's outcome, in `plan.actions` order.
    var outcomes: [ActionOutcome]
    /// Errors of the run as a whole (refusals), not tied to one instance.
    var runErrors: Int
    /// The actions stream's trailer stats: gt-diff's own, and under `upstream` gt-desired's and
    /// gt-current's (docs/streams.md).
    var actionStats: [String: JSONValue]
    /// gt-apply's own counters (`requests`, `retries`, `elapsed_ms`).
    var ownStats: [String: JSONValue]

    init(status: String, dryRun: Bool, report: ApplyReport?, plan: ApplyPlan, refusals: Int,
         actionStats: [String: JSONValue], ownStats: [String: JSONValue]) {
        finishedAt = Date().timeIntervalSince1970
        self.status = status
        self.dryRun = dryRun
        skippedDuplicate = status == "skipped"
        self.plan = plan
        outcomes = report?.outcomes ?? Array(repeating: .planned, count: plan.actions.count)
        runErrors = refusals
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
    func render(previous: String?) -> String {
        let carried = Self.carriedOver(previous)
        var families: [Family] = []

        families.append(Family(name: "gt_last_run_timestamp_seconds", type: "gauge",
                               help: "When the last gt-apply run ended, in Unix time.",
                               samples: [([], Self.number(finishedAt))]))
        let lastSuccess = status == "success" ? finishedAt : carried.lastSuccess
        families.append(Family(name: "gt_last_success_timestamp_seconds", type: "gauge",
                               help: "When a gt-apply run last ended with status success, in Unix time (0: never).",
                               samples: [([], Self.number(lastSuccess))]))
        families.append(Family(name: "gt_last_run_status", type: "gauge",
                               help: "The last run's status: 1 for the status it had, 0 for the others.",
                               samples: Self.statuses.map { ([("status", $0)], $0 == status ? "1" : "0") }))
        families.append(Family(name: "gt_last_run_skipped_duplicate", type: "gauge",
                               help: "1 when the last run did nothing because another gt-apply held the lock (duplicate_task).",
                               samples: [([], skippedDuplicate ? "1" : "0")]))
        families.append(Family(name: "gt_last_run_dry_run", type: "gauge",
                               help: "1 when the last run was a dry run.", samples: [([], dryRun ? "1" : "0")]))
        var runs = carried.runs
        runs[status, default: 0] += 1
        families.append(Family(name: "gt_runs_total", type: "counter",
                               help: "gt-apply runs that wrote this file, by status.",
                               samples: Self.statuses.map { ([("status", $0)], String(runs[$0] ?? 0)) }))

        let instances = instanceNames
        var planned = Family(name: "gt_last_run_actions_planned", type: "gauge",
                             help: "Actions in the last run's plan, per GlitchTip instance and type.")
        var done = Family(name: "gt_last_run_actions", type: "gauge",
                          help: "Actions of the last run per GlitchTip instance, type and result (applied, failed, not_attempted: dry run, refused or skipped).")
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

    /// The values a run carries over from the previous file.
    static func carriedOver(_ previous: String?) -> (lastSuccess: Double, runs: [String: Int]) {
        var lastSuccess = 0.0
        var runs: [String: Int] = [:]
        for line in (previous ?? "").split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { continue }
            if parts[0] == "gt_last_success_timestamp_seconds" {
                lastSuccess = Double(parts[1]) ?? 0
            }
            for status in statuses where parts[0] == "gt_runs_total{status=\"\(status)\"}" {
                runs[status] = Int(parts[1]) ?? 0
            }
        }
        return (lastSuccess, runs)
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// Label values escape `\`, `"` and line feeds (Prometheus text format).
    private static func escapeLabel(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    // MARK: writing

    struct WriteError: Error, CustomStringConvertible {
        let description: String
    }

    /// Replaces `path` atomically: a temporary file in the same directory (not `*.prom`, so
    /// the collector skips it), then `rename(2)`.
    func write(to path: String) throws {
        let previous = try? String(contentsOfFile: path, encoding: .utf8)
        let text = render(previous: previous)
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8),
                                             attributes: [.posixPermissions: 0o644]) else {
            throw WriteError(description: "cannot write the metrics file \(path): cannot create \(temporary)")
        }
        do throws(Errno) { try SystemCall.rename(temporary, to: path) } catch {
            try? SystemCall.unlink(temporary)
            throw WriteError(description: "cannot write the metrics file \(path): \(error)")
        }
    }
}
