import ApplyCore
import GTStreams
import GTCLI

extension ApplyReport {
    /// The run as a merge-request comment (`--format markdown`): the plan in Markdown
    /// (PlanMarkdown), each action's outcome after it, the run's own errors and the status.
    /// Instance names and every error (which quotes names and what GlitchTip answered) are code
    /// spans, so nothing in them mentions or links anything.
    public func markdown(dryRun: Bool) -> String {
        if let skippedReason {
            return "Skipped: \(skippedReason) (another gt-apply is running for \(PlanMarkdown.code(plan.instanceSet)))." + "\n"
        }
        let notices = plan.notices + runErrors.map { NoticeRecord(.error, message: $0) }
        let footer = dryRun ? "Dry run: nothing applied (use --no-dry-run to apply)."
            : "Applied \(appliedCount) of \(plan.actions.count) actions; status \(status)."
        return PlanMarkdown().render(plan.actions, notices: notices, instances: Array(plan.instances.keys), footer: [footer]) { index in
            let outcome = outcomes[index]
            if outcome.applied { return "✓ applied" }
            if let error = outcome.error { return "✗ " + PlanMarkdown.code(error) }
            return nil
        }
    }

    /// The run for people (`--format text`): the plan (PlanText), each action's outcome, the
    /// run's own errors, the counts and how the run ended.
    public func text(_ plan: PlanText, dryRun: Bool) -> String {
        var lines = self.plan.notices.map(plan.notice)
        if let skippedReason {
            lines.append("Skipped: \(skippedReason) (another gt-apply is running for \(self.plan.instanceSet)).")
            return lines.joined(separator: "\n") + "\n"
        }
        lines += plan.render(self.plan.actions) { index in
            guard attempted[index] else { return "· not attempted" }
            let outcome = outcomes[index]
            if outcome.applied { return "✓ applied" }
            if let error = outcome.error { return "✗ \(error)" }
            return nil
        }
        lines += runErrors.map { plan.notice(NoticeRecord(.error, message: $0)) }
        lines.append(plan.counts(self.plan.actions))
        if dryRun {
            lines.append("Dry run: nothing applied (use --no-dry-run to apply).")
        } else if let interruption {
            lines.append("Interrupted by \(Self.signalName(interruption)): applied \(appliedCount) of \(self.plan.actions.count) actions, "
                         + "\(attempted.filter { !$0 }.count) not attempted; status interrupted.")
        } else {
            lines.append("Applied \(appliedCount) of \(self.plan.actions.count) actions; status \(status.rawValue).")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
