import ApplyCore
import GTStreams

/// A task's result, in the reference's shape (`GlitchtipProjectAlertsTaskResult`): the status,
/// the actions planned (each `action_type`, `instance`, `organization` as App-Interface names
/// it, `project` slug, `alert_name`) in the pipeline's order, those applied, their count, and
/// the errors: always a list, `[]` when there are none, because the reference's client refuses
/// `null`.
public struct ReconcileResult: Sendable, Equatable {
    public enum Status: String, Sendable {
        case pending, success, failed
    }

    public var status: Status
    public var actions: [ActionRecord]
    public var appliedActions: [ActionRecord]
    public var errors: [String]
    /// What the pipeline prints as warnings (a project or organization GlitchTip does not
    /// have, a cache entry not written): not errors, and not in the reference's result.
    public var warnings: [String]
    /// The requests the task sent GlitchTip, for gt-serve's metrics; not in the reference's result.
    public var requests = GlitchTipRequests()

    /// Requests sent to GlitchTip while reading the current state, and while applying.
    public struct GlitchTipRequests: Sendable, Equatable {
        public var current = 0
        public var apply = 0

        public init(current: Int = 0, apply: Int = 0) {
            self.current = current
            self.apply = apply
        }
    }

    public init(status: Status, actions: [ActionRecord] = [], appliedActions: [ActionRecord] = [], errors: [String] = [],
                warnings: [String] = []) {
        self.status = status
        self.actions = actions
        self.appliedActions = appliedActions
        self.errors = errors
        self.warnings = warnings
    }

    public var appliedCount: Int { appliedActions.count }

    /// A task that ended before it planned: `failed`, no action, the reason.
    public static func failed(_ reason: String) -> ReconcileResult { ReconcileResult(status: .failed, errors: [reason]) }

    /// The result of a run's report. A run skipped because another holds one of its
    /// instances' locks reads as the reference's GET answers a skipped task: `success`, no
    /// action, `errors: ["Task skipped: duplicate_task"]`. An interrupted run is `failed`, its
    /// error saying so.
    public init(_ report: ApplyReport, warnings: [String] = []) {
        if let reason = report.skippedReason {
            self.init(status: .success, errors: ["Task skipped: \(reason)"], warnings: warnings)
            return
        }
        let applied = zip(report.plan.actions, report.outcomes).filter { $0.1.applied }.map(\.0)
        self.init(status: report.status == .success ? .success : .failed, actions: report.plan.actions, appliedActions: applied,
                  errors: report.allErrors, warnings: warnings)
    }

    public var json: JSONValue {
        ["status": .string(status.rawValue), "actions": .array(actions.map(\.seedJSON)),
         "applied_actions": .array(appliedActions.map(\.seedJSON)), "applied_count": .int(Int64(appliedCount)),
         "errors": .array(errors.map { .string($0) })]
    }
}
