import ServeCore

/// Counts of the tasks finished since gt-serve started, by status and kind, and a histogram of
/// how long they ran (from leaving the queue to their result).
struct TaskMetrics: Sendable {
    /// Upper bounds of the duration buckets, seconds.
    static let bounds: [Double] = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600]

    struct Key: Hashable, Comparable {
        let status: String
        let dryRun: Bool
        static func < (a: Key, b: Key) -> Bool { (a.status, a.dryRun ? 1 : 0) < (b.status, b.dryRun ? 1 : 0) }
    }

    private(set) var finished: [Key: Int] = [:]
    /// Per bucket, the tasks that ran at most its bound (not cumulative; rendered cumulative).
    private(set) var buckets = [Int](repeating: 0, count: TaskMetrics.bounds.count + 1)
    private(set) var seconds = 0.0
    private(set) var count = 0
    /// Requests finished tasks sent GlitchTip, by phase.
    private(set) var requests = ReconcileResult.GlitchTipRequests()

    mutating func record(_ result: ReconcileResult, dryRun: Bool, ran: Duration?) {
        finished[Key(status: result.status.rawValue, dryRun: dryRun), default: 0] += 1
        requests.current += result.requests.current
        requests.apply += result.requests.apply
        guard let ran else { return }  // failed before it left the queue
        let value = Double(ran.components.seconds) + Double(ran.components.attoseconds) / 1e18
        buckets[Self.bounds.firstIndex { value <= $0 } ?? Self.bounds.count] += 1
        seconds += value
        count += 1
    }

    /// The Prometheus text exposition of these and of the tasks `held` now, by status.
    func prometheus(held: [ReconcileResult.Status: Int]) -> String {
        var lines = [
            "# HELP gt_serve_tasks Tasks gt-serve holds now, by status (pending: queued or running).",
            "# TYPE gt_serve_tasks gauge",
        ]
        for status in [ReconcileResult.Status.pending, .success, .failed] {
            lines.append("gt_serve_tasks{status=\"\(status.rawValue)\"} \(held[status] ?? 0)")
        }
        lines += ["# HELP gt_serve_tasks_finished_total Tasks finished since gt-serve started, by status and kind.",
                  "# TYPE gt_serve_tasks_finished_total counter"]
        for (key, value) in finished.sorted(by: { $0.key < $1.key }) {
            lines.append("gt_serve_tasks_finished_total{status=\"\(key.status)\",dry_run=\"\(key.dryRun)\"} \(value)")
        }
        lines += ["# HELP gt_serve_task_duration_seconds How long finished tasks ran, from leaving the queue to their result.",
                  "# TYPE gt_serve_task_duration_seconds histogram"]
        var cumulative = 0
        for (index, bound) in Self.bounds.enumerated() {
            cumulative += buckets[index]
            lines.append("gt_serve_task_duration_seconds_bucket{le=\"\(Self.label(bound))\"} \(cumulative)")
        }
        lines.append("gt_serve_task_duration_seconds_bucket{le=\"+Inf\"} \(count)")
        lines.append("gt_serve_task_duration_seconds_sum \(seconds)")
        lines.append("gt_serve_task_duration_seconds_count \(count)")
        lines += ["# HELP gt_serve_glitchtip_requests_total Requests finished tasks sent GlitchTip, by phase "
                      + "(current: reading, apply: changing).",
                  "# TYPE gt_serve_glitchtip_requests_total counter",
                  "gt_serve_glitchtip_requests_total{phase=\"current\"} \(requests.current)",
                  "gt_serve_glitchtip_requests_total{phase=\"apply\"} \(requests.apply)"]
        return lines.joined(separator: "\n") + "\n"
    }

    private static func label(_ bound: Double) -> String {
        bound == bound.rounded() ? String(Int(bound)) : String(bound)
    }
}
