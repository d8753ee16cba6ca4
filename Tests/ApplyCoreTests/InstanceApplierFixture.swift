import ApplyCore
import GTGlitchTip
import GTStreams

/// The fixture's instance as gt-apply runs it: ``InstanceApplier`` (the organizations read
/// fresh, then the projects) over the same in-memory GlitchTip, cache and log.
extension ApplierFixture {
    /// Runs `actions` (indices 0…, grouped by project in first-seen order, as `ApplyPlan` groups
    /// them) through one ``InstanceApplier``; each action's state in words, as ``apply(_:shouldStop:mayMutate:)``.
    func applyInInstance(_ actions: [ActionRecord], managed: [String: [String]] = [:], concurrency: Int = 4,
                         shouldStop: @escaping @Sendable () -> Bool = { false }) async -> [String] {
        var plan = ApplyPlan()
        plan.actions = actions
        let progress = ApplyProgress(count: actions.count)
        let projects = ProjectApplier(client: glitchtip, cache: cache, seal: seal, shouldStop: shouldStop)
        let instance = InstanceApplier(instance: "glitchtip", organizations: glitchtip, projects: projects,
                                       managed: managed, concurrency: concurrency)
        await instance.apply(plan.byProject, of: actions, into: progress)
        return progress.snapshot.map { state in
            switch state {
            case .notStarted: "not started"
            case .inFlight: "in flight"
            case .done(let outcome): outcome.applied ? "applied" : "failed: \(outcome.error ?? "(no error)")"
            }
        }
    }

    /// The listing the cache entry `key` holds now (opened with the instance's seal), or nil.
    func cachedItems(_ key: String) -> [JSONValue]? {
        guard let sealed = tier.entry(key), let bytes = seal.open(sealed, entry: key),
              let entry = try? JSONValue(parsing: bytes) else { return nil }
        return entry["items"]?.arrayValue
    }
}
