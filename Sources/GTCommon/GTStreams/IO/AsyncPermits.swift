import Synchronization

/// At most `limit` holders at once; the others wait in FIFO order without blocking a thread.
///
/// gt-current holds one per listing it is working on: a listing holds its cache key's lock
/// file while it waits for a transfer slot, so without this bound every project of every
/// organization would hold a descriptor at once (docs/architecture.md, "Concurrency").
public final class AsyncPermits: Sendable {
    private struct State {
        var available: Int
        var waiting: [CheckedContinuation<Void, Never>] = []
        var head = 0
    }

    private let state: Mutex<State>

    public init(_ limit: Int) { state = Mutex(State(available: max(1, limit))) }

    /// Runs `body` holding a permit.
    public func withPermit<T>(_ body: () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    /// Waits, without blocking a thread, for a permit; pair with ``release()``.
    public func acquire() async {
        let granted = state.withLock { s -> Bool in
            guard s.available > 0 else { return false }
            s.available -= 1
            return true
        }
        if granted { return }
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.available > 0 {
                    s.available -= 1
                    return true
                }
                s.waiting.append(waiter)
                return false
            }
            if now { waiter.resume() }
        }
    }

    /// Returns a permit (from any thread), to the next waiter if there is one.
    public func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard s.head < s.waiting.count else {
                s.available += 1
                return nil
            }
            let waiter = s.waiting[s.head]
            s.head += 1
            if s.head > 1024, s.head * 2 > s.waiting.count {
                s.waiting.removeFirst(s.head)
                s.head = 0
            }
            return waiter
        }
        // The permit passes straight to the next waiter.
        next?.resume()
    }
}
