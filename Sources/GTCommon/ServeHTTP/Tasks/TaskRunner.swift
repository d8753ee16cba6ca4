import ApplyRun
import GTStreams
import Glibc
import ServeCore

/// Runs each admitted request in the background, dry runs and applies in two pools of their
/// own (the reference's two queues: a long apply never holds up a dry run), each task with its
/// own interruption; and shuts down without losing one (``drain(signal:grace:cutoff:)``).
public final class TaskRunner: Sendable {
    /// How a task runs: ``ReconcileTask/run(_:environment:settings:interruption:)`` in gt-serve.
    public typealias Execute = @Sendable (ReconcileRequest, RunInterruption) async -> ReconcileResult

    let store: TaskStore
    private let execute: Execute
    private let dryRuns: AsyncPermits
    private let applies: AsyncPermits
    private let events: @Sendable (JSONValue) -> Void
    /// Where every replica reads the tasks (README "Replicas"); nil: this replica's memory only.
    let shared: SharedResults?
    let readiness: Readiness

    /// - Parameters:
    ///   - shelf: the store shared by the replicas (`GT_CACHE_URL`), nil for memory only.
    ///   - events: one structured line per task that ends (its id, status, errors),
    ///     written before a GET waiting for it is answered.
    public init(settings: ServeSettings, shelf: (any ResultShelf)? = nil, readiness: Readiness = .always,
                events: @escaping @Sendable (JSONValue) -> Void, execute: @escaping Execute) {
        let shared = shelf.map { SharedResults(shelf: $0, log: events) }
        store = TaskStore(retention: settings.retention, capacity: settings.maxTasks) { id, result in
            events(["event": "task", "id": .string(id), "status": .string(result.status.rawValue),
                    "actions": .int(Int64(result.actions.count)), "applied_count": .int(Int64(result.appliedCount)),
                    "errors": .array(result.errors.map { .string($0) })])
            shared?.record(id, result)
        }
        self.shared = shared
        self.readiness = readiness
        dryRuns = AsyncPermits(settings.dryRunConcurrency)
        applies = AsyncPermits(settings.applyConcurrency)
        self.events = events
        self.execute = execute
        shared?.beat { [weak store] in (store?.ids(in: .queued) ?? []) + (store?.ids(in: .running) ?? []) }
    }

    /// The runner gt-serve uses: each task on the pipeline's cores with the process's environment.
    public convenience init(settings: ServeSettings, environment: [String: String], shelf: (any ResultShelf)? = nil,
                            readiness: Readiness = .always, events: @escaping @Sendable (JSONValue) -> Void) {
        let task = settings.task
        self.init(settings: settings, shelf: shelf, readiness: readiness, events: events) { request, interruption in
            await ReconcileTask.run(request, environment: environment, settings: task, interruption: interruption)
        }
    }

    public enum Submission: Sendable, Equatable {
        case accepted
        /// Shutting down: no new task (503).
        case draining
        /// As many tasks pending as the store holds (503).
        case full
        /// The shared store could not record it (503, this detail): nothing was queued.
        case unshared(String)
    }

    /// Queues `request` as task `id` (recorded in the shared store first, when there is one)
    /// and returns; it runs when its pool has room.
    public func submit(_ request: ReconcileRequest, id: String) async -> Submission {
        if let shared, let refusal = await shared.admit(id) { return .unshared(refusal) }
        switch store.admit(id, dryRun: request.dryRun) {
        case .draining:
            await shared?.withdraw(id)
            return .draining
        case .full:
            await shared?.withdraw(id)
            return .full
        case .admitted: break
        }
        let pool = request.dryRun ? dryRuns : applies
        Task {
            await pool.withPermit {
                guard let interruption = store.start(id) else { return }  // failed while queued
                store.finish(id, await execute(request, interruption))
            }
        }
        return .accepted
    }

    public var isAccepting: Bool { store.isAccepting }

    static let notStarted = "gt-serve shut down before the task started: nothing was done"
    static func cutOff(after seconds: Int64) -> String {
        "gt-serve shut down while the task was running and cut it off \(seconds) s after interrupting it: changes it had under way "
            + "may or may not have been made; the next run plans from what GlitchTip then holds"
    }

    /// Shuts down without losing a task: admits no new one, fails the queued ones (they never
    /// started), lets the running ones finish for `grace`, then interrupts them as a signal
    /// interrupts gt-apply (no new change starts; the task reads `failed`, saying what was not
    /// attempted), and waits `cutoff` more. A task still running then is recorded `failed`,
    /// cut off. Every task has its final result when this returns (written to the shared store, or logged).
    /// - Returns: the ids of the tasks cut off (their work may still be under way).
    public func drain(signal: Int32, grace: Duration, cutoff: Duration) async -> [String] {
        _ = store.stopAccepting(failingQueued: Self.notStarted)
        await waitForRunning(until: ContinuousClock.now + grace)
        let running = store.ids(in: .running)
        guard !running.isEmpty else {
            await shared?.settle()
            return []
        }
        events(["event": "shutdown", "message": .string("the grace ended with \(running.count) task(s) running: interrupting them")])
        for id in running { store.interruption(id)?.receive(signal) { _ in } }
        await waitForRunning(until: ContinuousClock.now + cutoff)
        let cut = store.ids(in: .running)
        for id in cut { store.finish(id, .failed(Self.cutOff(after: cutoff.components.seconds))) }
        await shared?.settle()
        return cut
    }

    private func waitForRunning(until deadline: ContinuousClock.Instant) async {
        for id in store.ids(in: .running) where deadline > ContinuousClock.now {
            _ = await store.lookup(id, waiting: deadline - ContinuousClock.now)
        }
    }
}
