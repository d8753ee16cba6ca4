import GTStreams
import ServeCore
import Synchronization

/// A replica's side of the shared store (README "Replicas"): each task recorded there before
/// its 202 (or the POST refused, 503: never a task whose result no other replica could read),
/// each result written as its task ends (a write that fails is logged and the result kept in
/// memory, where a GET on this replica still finds it), the heartbeat refreshed while the
/// replica runs, and the GETs for tasks other replicas ran answered from the store.
public final class SharedResults: Sendable {
    /// A GET for a task another replica runs reads the store this often (the reference's 0.5 s).
    static let pollInterval: Duration = .milliseconds(500)
    /// The pending tasks' records are extended every 30 heartbeats (5 min), not at each: a
    /// queue of thousands costs one round trip per task each time.
    static let recordRefreshTicks = 30

    let shelf: any ResultShelf
    private let log: @Sendable (JSONValue) -> Void
    private let writes = Mutex(Writes())
    private let heartbeat = Mutex<Task<Void, Never>?>(nil)

    private struct Writes {
        var next = 0
        var running: [Int: Task<Void, Never>] = [:]
    }

    init(shelf: any ResultShelf, log: @escaping @Sendable (JSONValue) -> Void) {
        self.shelf = shelf
        self.log = log
    }

    deinit { heartbeat.withLock { $0?.cancel() } }

    /// Refreshes the heartbeat every ``RedisResultShelf/refreshSeconds`` until this is
    /// released, and every ``recordRefreshTicks`` of those the records of the tasks `pending`
    /// names (their expiry is the retention: far longer). A failure is logged once, and again
    /// once the store answers.
    func beat(pending: @escaping @Sendable () -> [String]) {
        let (shelf, log) = (shelf, log)
        let loop = Task {
            var failing = false
            var tick = 0
            while !Task.isCancelled {
                defer { tick += 1 }
                do throws(ShelfError) {
                    try await shelf.refresh(pending: tick % Self.recordRefreshTicks == 0 ? pending() : [])
                    if failing { log(["event": "shared_results", "message": .string("\(shelf.label) answers again: heartbeat refreshed")]) }
                    failing = false
                } catch {
                    if !failing { log(["event": "shared_results", "message": .string("heartbeat not refreshed: \(error)")]) }
                    failing = true
                }
                try? await Task.sleep(for: .seconds(RedisResultShelf.refreshSeconds))
            }
        }
        heartbeat.withLock { $0 = loop }
    }

    /// Records task `id` pending; nil when done, else the 503's detail.
    func admit(_ id: String) async -> String? {
        do throws(ShelfError) {
            try await shelf.admit(id)
            return nil
        } catch {
            return "gt-serve cannot record the task where every replica reads it (\(error)): nothing was queued; "
                + "try again once the shared result store answers"
        }
    }

    func withdraw(_ id: String) async { await shelf.withdraw(id) }

    /// Writes the result of task `id` in the background; ``settle()`` waits for every such write.
    func record(_ id: String, _ result: ReconcileResult) {
        let (shelf, log, json) = (shelf, log, result.json)
        writes.withLock { writes in
            let number = writes.next
            writes.next += 1
            writes.running[number] = Task {
                do throws(ShelfError) { try await shelf.record(id, json) } catch {
                    log(["event": "shared_results", "id": .string(id),
                         "message": .string("result not written to the shared store (\(error)): only this replica answers for the task")])
                }
                _ = self.writes.withLock { $0.running.removeValue(forKey: number) }
            }
        }
    }

    /// Returns once every result handed to ``record(_:_:)`` so far is written or logged.
    func settle() async {
        while let next = writes.withLock({ $0.running.values.first }) { await next.value }
    }

    /// What a GET answers for a task this replica does not hold.
    enum Answer: Sendable, Equatable {
        case unknown
        case pending
        case finished(JSONValue)
        /// The store could not be read: the 503's detail.
        case unavailable(String)
    }

    /// Task `id` as the store holds it; with `timeout`, read again every ``pollInterval`` while
    /// it is pending, up to that many seconds. An id not of gt-serve's form is unknown, unread.
    func answer(_ id: String, timeout: Int64?) async -> Answer {
        guard TaskID.isWellFormed(id) else { return .unknown }
        let deadline = ContinuousClock.now + .seconds(timeout ?? 0)
        while true {
            let shelved: ShelvedTask
            do throws(ShelfError) { shelved = try await shelf.read(id) } catch {
                return .unavailable("gt-serve cannot read the shared result store (\(error)): try again once it answers")
            }
            switch shelved {
            case .absent: return .unknown
            case .finished(let result): return .finished(result)
            case .stopped(let reason): return .finished(ReconcileResult.failed(reason).json)
            case .pending:
                let now = ContinuousClock.now
                guard now < deadline, !Task.isCancelled else { return .pending }
                try? await Task.sleep(for: min(Self.pollInterval, deadline - now))
            }
        }
    }
}
