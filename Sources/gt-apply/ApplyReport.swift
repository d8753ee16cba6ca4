import GTCommon

/// What a run did: an outcome per action, the run's own errors, and the summary the reference
/// reports (`status`, `reason`, `actions`, `applied_count`, `errors`).
struct ApplyReport {
    let plan: ApplyPlan
    var outcomes: [ActionOutcome]
    /// Errors of the run itself (refusals), beside the actions' own.
    private(set) var runErrors: [String] = []
    private(set) var skippedReason: String?

    struct Problem: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    init(plan: ApplyPlan) {
        self.plan = plan
        outcomes = Array(repeating: .planned, count: plan.actions.count)
    }

    mutating func refuse(_ reason: String) { runErrors.append(reason) }
    mutating func skip(reason: String) { skippedReason = reason }

    var appliedCount: Int { outcomes.filter(\.applied).count }

    /// This run's errors: refusals, then failed actions.
    var ownErrors: [String] { runErrors + outcomes.compactMap(\.error) }

    /// Every error of the pipeline: upstream ones passed on, then this run's.
    var allErrors: [String] { plan.upstreamErrors + ownErrors }

    var status: String {
        if skippedReason != nil { return "skipped" }
        return allErrors.isEmpty ? "success" : "failed"
    }

    var summary: JSONValue {
        var fields: [String: JSONValue] = [
            "kind": "summary", "status": .string(status), "actions": .array(plan.actions.map(\.seedJSON)),
            "applied_count": .int(Int64(appliedCount)),
            "errors": skippedReason == nil ? .array(allErrors.map { .string($0) }) : .null,
        ]
        if let skippedReason { fields["reason"] = .string(skippedReason) }
        return .object(fields)
    }

    func records() -> [JSONValue] {
        var records = plan.notices.map(\.json)
        if skippedReason == nil {
            for (action, outcome) in zip(plan.actions, outcomes) {
                guard case .object(var fields) = action.json else { continue }
                fields["kind"] = nil
                records.append(["kind": "result", "action": .object(fields), "applied": .bool(outcome.applied),
                                "error": outcome.error.map { .string($0) } ?? .null])
            }
        }
        records.append(summary)
        return records
    }

    func text(_ plan: PlanText, dryRun: Bool) -> String {
        var lines = self.plan.notices.map(plan.notice)
        if let skippedReason {
            lines.append("Skipped: \(skippedReason) (another gt-apply is running for \(self.plan.instanceSet)).")
            return lines.joined(separator: "\n") + "\n"
        }
        lines += plan.render(self.plan.actions) { index in
            let outcome = outcomes[index]
            if outcome.applied { return "✓ applied" }
            if let error = outcome.error { return "✗ \(error)" }
            return nil
        }
        lines += runErrors.map { plan.notice(NoticeRecord(.error, message: $0)) }
        lines.append(plan.counts(self.plan.actions))
        if dryRun {
            lines.append("Dry run: nothing applied (use --no-dry-run to apply).")
        } else {
            lines.append("Applied \(appliedCount) of \(self.plan.actions.count) actions; status \(status).")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
