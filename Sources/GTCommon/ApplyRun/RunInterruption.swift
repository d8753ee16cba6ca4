import Synchronization

/// An interruption of a run (docs/streams.md, "interrupted"): what the front end was told to
/// stop by (gt-apply: SIGINT or SIGTERM, which it listens to itself; the library installs no
/// signal handler), reported through ``receive(_:endingNow:)``.
///
/// While the plan is read nothing has been applied: the first signal ends the run at once (the
/// front end's `endingNow` writes what the output needs and ends the process). Once the run
/// acts (``beginRunning()``), the first signal only stops new work: no new request starts, the
/// run reports what was attempted. A second one ends the run at once.
public final class RunInterruption: Sendable {
    /// Why a run ends at once, in `endingNow`.
    public enum Ending: Sendable {
        /// The first signal, while the plan is read.
        case whileReading(Int32)
        /// A second signal (`second`) after the `first`, while the run acts.
        case secondSignal(first: Int32, second: Int32)

        /// The signal the run reports it was ended by: the first one.
        public var first: Int32 {
            switch self {
            case .whileReading(let signo), .secondSignal(let signo, _): signo
            }
        }
    }

    private struct State {
        var running = false
        var signal: Int32?
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        var cancelledWaiters: Set<Int> = []
    }

    private let state = Mutex(State())

    public init() {}

    /// The run starts acting: from now on a first signal stops new work instead of ending it.
    public func beginRunning() {
        state.withLock { $0.running = true }
    }

    /// The first signal received while the run acts, if any.
    public var signal: Int32? { state.withLock { $0.signal } }

    public var isInterrupted: Bool { signal != nil }

    /// Tells the run that `signo` came. When the run must end at once, `endingNow` is called
    /// under the interruption's lock, so the run cannot start acting (or the front end write its
    /// report) while it runs; a front end that ends the process there never returns from it.
    /// - Returns: true when this was the first signal of a running run (no new work starts).
    @discardableResult
    public func receive(_ signo: Int32, endingNow: (Ending) -> Void) -> Bool {
        let woken: [CheckedContinuation<Void, Never>]? = state.withLock { state in
            if let first = state.signal {
                endingNow(.secondSignal(first: first, second: signo))
                return nil
            }
            if !state.running { endingNow(.whileReading(signo)) }
            state.signal = signo
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        woken?.forEach { $0.resume() }
        return woken != nil
    }

    /// Returns once the run is interrupted, or when the calling task is cancelled.
    func interrupted() async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state in
                    if state.signal != nil || state.cancelledWaiters.remove(id) != nil { return true }
                    state.waiters[id] = waiter
                    return false
                }
                if now { waiter.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                let waiter = state.waiters.removeValue(forKey: id)
                if waiter == nil { state.cancelledWaiters.insert(id) }
                return waiter
            }
            waiter?.resume()
        }
    }

    /// The exit status of a run ended by `signo`: 128 + the signal number, as shells report it.
    public static func exitStatus(_ signo: Int32) -> Int32 { 128 + signo }
}
