import ApplyRun
import ServeCore
import Synchronization

/// The tasks one gt-serve holds, in memory: each queued, then running, then finished with its
/// result, kept for the retention after it finished and then forgotten (a GET then answers
/// 404). A GET that waits is woken when its task finishes (no polling).
final class TaskStore: Sendable {
    enum Phase: Sendable { case queued, running, finished }

    enum Lookup: Sendable, Equatable {
        case unknown
        case pending
        case finished(ReconcileResult)
    }

    private struct Entry {
        var phase = Phase.queued
        let dryRun: Bool
        let interruption = RunInterruption()
        let submitted: ContinuousClock.Instant
        var started: ContinuousClock.Instant?
        var finished: ContinuousClock.Instant?
        var result: ReconcileResult?
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var accepting = true
        var nextWaiter = 0
        /// Waiters between their id and their continuation's registration, each marked when
        /// cancelled in that window; every one is removed when its continuation's closure runs,
        /// which it always does, so this holds at most the GETs starting at this moment.
        var unregisteredWaiters: [Int: Bool] = [:]
        var metrics = TaskMetrics()
    }

    private let state = Mutex(State())
    let retention: Duration
    let capacity: Int
    /// Told each task's result as it is recorded, before any waiting GET is woken.
    private let finished: @Sendable (String, ReconcileResult) -> Void

    init(retention: Duration, capacity: Int, finished: @escaping @Sendable (String, ReconcileResult) -> Void) {
        self.retention = retention
        self.capacity = max(1, capacity)
        self.finished = finished
    }

    enum Admission: Sendable, Equatable { case admitted, draining, full }

    /// Takes a new task, queued; forgets finished tasks past the retention first, then, when
    /// the store is still full, the oldest finished ones. Pending tasks are never dropped: a
    /// store full of them refuses the new one.
    func admit(_ id: String, dryRun: Bool, now: ContinuousClock.Instant = .now) -> Admission {
        state.withLock { state in
            guard state.accepting else { return .draining }
            state.entries = state.entries.filter { $0.value.finished.map { now - $0 < retention } ?? true }
            if state.entries.count >= capacity {
                let oldest = state.entries.filter { $0.value.phase == .finished }.sorted { $0.value.finished! < $1.value.finished! }
                for (id, _) in oldest.prefix(state.entries.count - capacity + 1) { state.entries[id] = nil }
            }
            guard state.entries.count < capacity else { return .full }
            state.entries[id] = Entry(dryRun: dryRun, submitted: now)
            return .admitted
        }
    }

    /// Marks a queued task running and gives its interruption; nil when it is no longer
    /// queued (failed while it waited for the pool: the server is shutting down).
    func start(_ id: String) -> RunInterruption? {
        state.withLock { state in
            guard state.entries[id]?.phase == .queued else { return nil }
            state.entries[id]?.phase = .running
            state.entries[id]?.started = .now
            return state.entries[id]?.interruption
        }
    }

    /// Records `result` for a task not yet finished and wakes its waiters; a task already
    /// finished (cut off at shutdown) keeps what it had.
    /// - Returns: whether `result` was recorded.
    @discardableResult
    func finish(_ id: String, _ result: ReconcileResult) -> Bool {
        guard let waiters = state.withLock({ Self.finish(id, result, in: &$0) }) else { return false }
        finished(id, result)
        waiters.forEach { $0.resume() }
        return true
    }

    /// The waiters to wake, or nil when the task is unknown or finished already.
    private static func finish(_ id: String, _ result: ReconcileResult, in state: inout State) -> [CheckedContinuation<Void, Never>]? {
        guard var entry = state.entries[id], entry.phase != .finished else { return nil }
        let now = ContinuousClock.now
        entry.phase = .finished
        entry.finished = now
        entry.result = result
        state.metrics.record(result, dryRun: entry.dryRun, ran: entry.started.map { now - $0 })
        let waiters = Array(entry.waiters.values)
        entry.waiters = [:]
        state.entries[id] = entry
        return waiters
    }

    func lookup(_ id: String) -> Lookup {
        state.withLock { state in
            guard let entry = state.entries[id] else { return .unknown }
            return entry.result.map { .finished($0) } ?? .pending
        }
    }

    /// The task's state once it finished, or when `timeout` has passed, whichever is first.
    func lookup(_ id: String, waiting timeout: Duration) async -> Lookup {
        guard lookup(id) == .pending else { return lookup(id) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.ended(id) }
            group.addTask { try? await Task.sleep(for: timeout) }
            _ = await group.next()
            group.cancelAll()
        }
        return lookup(id)
    }

    /// Returns once the task finished (or is unknown), or when the calling task is cancelled.
    private func ended(_ id: String) async {
        let waiter = state.withLock { state in
            defer { state.nextWaiter += 1 }
            state.unregisteredWaiters[state.nextWaiter] = false
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state in
                    let cancelled = state.unregisteredWaiters.removeValue(forKey: waiter) ?? false
                    guard !cancelled, state.entries[id]?.phase ?? .finished != .finished else { return true }
                    state.entries[id]?.waiters[waiter] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            // Cancelled before the continuation is registered: marked, and the closure above
            // resumes at once. After: the continuation is taken back, unless the task's end
            // took it first (then nothing is left to do, and nothing is kept).
            let continuation = state.withLock { state in
                if state.unregisteredWaiters[waiter] != nil {
                    state.unregisteredWaiters[waiter] = true
                    return nil as CheckedContinuation<Void, Never>?
                }
                return state.entries[id]?.waiters.removeValue(forKey: waiter)
            }
            continuation?.resume()
        }
    }

    /// From now on no task is admitted; the queued ones are failed with `reason`.
    /// - Returns: the ids of the tasks so failed.
    func stopAccepting(failingQueued reason: String) -> [String] {
        let (failed, waiters) = state.withLock { state in
            state.accepting = false
            let queued = state.entries.filter { $0.value.phase == .queued }.map(\.key).sorted()
            return (queued, queued.flatMap { Self.finish($0, .failed(reason), in: &state) ?? [] })
        }
        for id in failed { finished(id, .failed(reason)) }
        waiters.forEach { $0.resume() }
        return failed
    }

    var isAccepting: Bool { state.withLock { $0.accepting } }

    func ids(in phase: Phase) -> [String] {
        state.withLock { state in state.entries.filter { $0.value.phase == phase }.map(\.key).sorted() }
    }

    /// Waiter ids the store keeps for GETs between their start and their end (none once every GET returned).
    var waiterBookkeeping: Int {
        state.withLock { state in state.unregisteredWaiters.count + state.entries.values.reduce(0) { $0 + $1.waiters.count } }
    }

    /// Whether a GET waits for the task now.
    func hasWaiters(_ id: String) -> Bool { state.withLock { !($0.entries[id]?.waiters.isEmpty ?? true) } }

    func interruption(_ id: String) -> RunInterruption? { state.withLock { $0.entries[id]?.interruption } }

    /// What `/metrics` shows.
    func metrics() -> (held: [ReconcileResult.Status: Int], totals: TaskMetrics) {
        state.withLock { state in
            var held: [ReconcileResult.Status: Int] = [.pending: 0, .success: 0, .failed: 0]
            for entry in state.entries.values { held[entry.result?.status ?? .pending, default: 0] += 1 }
            return (held, state.metrics)
        }
    }
}
