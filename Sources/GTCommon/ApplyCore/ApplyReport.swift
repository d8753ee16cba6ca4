import GTStreams
#if canImport(Glibc)
import Glibc
#endif

/// What a run did: an outcome per action, the run's own errors, and the summary the reference
/// reports (`status`, `reason`, `actions`, `applied_actions`, `applied_count`, `errors`).
public struct ApplyReport: Sendable {
    public let plan: ApplyPlan
    public private(set) var outcomes: [ActionOutcome]
    /// Whether each action was attempted; only an interrupted run leaves some out of the results.
    public private(set) var attempted: [Bool]
    /// Errors of the run itself (refusals), beside the actions' own.
    public private(set) var runErrors: [String] = []
    public private(set) var skippedReason: String?
    /// The signal that interrupted the run (docs/streams.md, "interrupted").
    public private(set) var interruption: Int32?

    /// A reason the run refuses to go on, as it is reported.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    public init(plan: ApplyPlan) {
        self.plan = plan
        outcomes = Array(repeating: .planned, count: plan.actions.count)
        attempted = Array(repeating: true, count: plan.actions.count)
    }

    /// Takes the actions' states at the end of the run; `signal` when a signal came. An action
    /// whose request was still under way is reported as failed, its outcome unknown. A signal
    /// that came when every action was done interrupted nothing: the run is reported as it ended.
    public mutating func record(_ states: [ApplyProgress.State], interruptedBy signal: Int32?) {
        let everyActionDone = states.allSatisfy { if case .done = $0 { true } else { false } }
        let signal = everyActionDone ? nil : signal
        for (index, state) in states.enumerated() {
            switch state {
            case .done(let outcome):
                outcomes[index] = outcome
            case .inFlight:
                outcomes[index] = ActionOutcome(applied: false, error: ProjectApplier.message(plan.actions[index],
                    "the run was interrupted while its request was under way: whether it was applied is unknown "
                    + "(the next run plans from what GlitchTip then holds)"))
            case .notStarted:
                attempted[index] = signal == nil
            }
        }
        guard let signal else { return }
        interruption = signal
        let skipped = attempted.filter { !$0 }.count
        runErrors.append("interrupted by \(Self.signalName(signal)): \(skipped) of \(plan.actions.count) actions not attempted; "
                         + "the next run plans from what GlitchTip then holds")
    }

    public mutating func refuse(_ reason: String) { runErrors.append(reason) }
    public mutating func skip(reason: String) { skippedReason = reason }

    public var appliedCount: Int { outcomes.filter(\.applied).count }

    /// This run's errors: refusals, then failed actions.
    public var ownErrors: [String] { runErrors + outcomes.compactMap(\.error) }

    /// Every error of the pipeline: upstream ones passed on, then this run's.
    public var allErrors: [String] { plan.upstreamErrors + ownErrors }

    public var status: RunStatus {
        if skippedReason != nil { return .skipped }
        if interruption != nil { return .interrupted }
        return allErrors.isEmpty ? .success : .failed
    }

    /// The actions applied, in the reference's shape (its `applied_actions`).
    public var appliedActions: [JSONValue] {
        zip(plan.actions, outcomes).filter { $0.1.applied }.map { $0.0.seedJSON }
    }

    public var summary: JSONValue {
        var fields: [String: JSONValue] = [
            "kind": "summary", "status": .string(status.rawValue), "actions": .array(plan.actions.map(\.seedJSON)),
            "applied_actions": .array(appliedActions), "applied_count": .int(Int64(appliedCount)),
            "errors": skippedReason == nil ? .array(allErrors.map { .string($0) }) : .null,
        ]
        if let skippedReason { fields["reason"] = .string(skippedReason) }
        if let interruption { fields["reason"] = .string(Self.signalName(interruption)) }
        return .object(fields)
    }

    /// The results stream's records (docs/streams.md, "result"): the upstream notices, a
    /// `result` per attempted action, the summary.
    public func records() -> [JSONValue] {
        var records = plan.notices.map(\.json)
        if skippedReason == nil {
            for (index, (action, outcome)) in zip(plan.actions, outcomes).enumerated() where attempted[index] {
                guard case .object(var fields) = action.json else { continue }
                fields["kind"] = nil
                records.append(["kind": "result", "action": .object(fields), "applied": .bool(outcome.applied),
                                "error": outcome.error.map { .string($0) } ?? .null])
            }
        }
        records.append(summary)
        return records
    }

    /// How the report names a signal (the summary's `reason`).
    public static func signalName(_ signo: Int32) -> String {
        switch signo {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(signo)"
        }
    }
}
