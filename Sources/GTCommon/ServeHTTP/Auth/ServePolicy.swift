/// Which subjects may do what (README "Drop-in for qontract-api", "Authorisation"): a subject
/// named in the policy may read any task and reconcile the instances listed for it, applying
/// only when `apply` is true. A subject the policy does not name may do nothing. Without a
/// policy every valid token may do everything, as in the reference without OPA.
public struct ServePolicy: Sendable, Equatable {
    public struct Grant: Sendable, Equatable {
        /// The instance names the subject may reconcile; nil: every instance (`"*"`).
        public var instances: Set<String>?
        /// Whether a request with `dry_run: false` is allowed.
        public var apply: Bool

        public init(instances: Set<String>?, apply: Bool) {
            self.instances = instances
            self.apply = apply
        }

        func allows(instance: String) -> Bool { instances?.contains(instance) ?? true }
    }

    public var subjects: [String: Grant]

    public init(subjects: [String: Grant]) { self.subjects = subjects }

    /// The 403 detail for `subject` reading a task, nil when it may.
    public func refusal(reading subject: String) -> String? {
        subjects[subject] == nil ? Self.notInPolicy(subject) : nil
    }

    /// The 403 detail for `subject` reconciling `instances` (in request order), applying unless
    /// `dryRun`; nil when it may. The first instance not allowed is named.
    public func refusal(reconciling instances: [String], dryRun: Bool, by subject: String) -> String? {
        guard let grant = subjects[subject] else { return Self.notInPolicy(subject) }
        if let denied = instances.first(where: { !grant.allows(instance: $0) }) {
            return "Subject '\(subject)' may not reconcile instance '\(denied)'"
        }
        if !dryRun && !grant.apply { return "Subject '\(subject)' may not apply: dry runs only" }
        return nil
    }

    private static func notInPolicy(_ subject: String) -> String { "Subject '\(subject)' is not in gt-serve's policy" }
}
