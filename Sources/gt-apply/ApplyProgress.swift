import GTStreams
import GTGlitchTip
import GTCLI
import Synchronization

/// Each action's state while the run goes on, shared by the project tasks and the command, so
/// an interrupted run can report what it attempted without waiting for the rest
/// (docs/streams.md, "interrupted").
final class ApplyProgress: Sendable {
    enum State: Sendable {
        /// Not started: an interrupted run writes no result for it.
        case notStarted
        /// Its requests were under way when the run stopped waiting: outcome unknown.
        case inFlight
        case done(ActionOutcome)
    }

    private let states: Mutex<[State]>
    private let counters = Mutex<[HTTPCounters]>([])
    private let finished = Atomic<Bool>(false)

    init(count: Int) {
        states = Mutex(Array(repeating: .notStarted, count: count))
    }

    func start(_ index: Int) { states.withLock { $0[index] = .inFlight } }
    func finish(_ index: Int, _ outcome: ActionOutcome) { states.withLock { $0[index] = .done(outcome) } }
    func add(_ counter: HTTPCounters) { counters.withLock { $0.append(counter) } }
    func markFinished() { finished.store(true, ordering: .releasing) }

    var isFinished: Bool { finished.load(ordering: .acquiring) }
    var snapshot: [State] { states.withLock { $0 } }
    var httpCounters: [HTTPCounters] { counters.withLock { $0 } }
}
