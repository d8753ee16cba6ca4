import GTGlitchTip
import Synchronization
import GTHTTP

/// Each action's state while the run goes on, shared by the project tasks and the command, so
/// an interrupted run can report what it attempted without waiting for the rest
/// (docs/streams.md, "interrupted").
public final class ApplyProgress: Sendable {
    public enum State: Sendable {
        /// Not started: an interrupted run writes no result for it.
        case notStarted
        /// Its requests were under way when the run stopped waiting: outcome unknown.
        case inFlight
        case done(ActionOutcome)
    }

    private let states: Mutex<[State]>
    private let counters = Mutex<[HTTPCounters]>([])

    public init(count: Int) {
        states = Mutex(Array(repeating: .notStarted, count: count))
    }

    public func start(_ index: Int) { states.withLock { $0[index] = .inFlight } }
    public func finish(_ index: Int, _ outcome: ActionOutcome) { states.withLock { $0[index] = .done(outcome) } }
    public func add(_ counter: HTTPCounters) { counters.withLock { $0.append(counter) } }

    public var snapshot: [State] { states.withLock { $0 } }
    public var httpCounters: [HTTPCounters] { counters.withLock { $0 } }
}
