import GTStreams
import GTGlitchTip
import GTCLI

extension ApplyReport {
    /// The run as a merge-request comment (`--format markdown`): the plan in Markdown
    /// (PlanMarkdown), each action's outcome after it, the run's own errors and the status.
    /// Instance names and every error (which quotes names and what GlitchTip answered) are code
    /// spans, so nothing in them mentions or links anything.
    func markdown(dryRun: Bool) -> String {
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
}
