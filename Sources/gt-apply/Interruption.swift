import Dispatch
import GTStreams
import GTGlitchTip
import GTCLI
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM during a run (docs/streams.md, "interrupted").
///
/// The signals are ignored as such and read through dispatch signal sources, so a handler may
/// do more than a C signal handler could. While the plan is read, nothing has been applied: the
/// first signal ends the run at once (`whileReading` writes what the output needs first). Once
/// the run acts, the first signal only sets a flag: no new request starts, the command reports
/// what was attempted and exits with `128 + signal`. A second signal ends the process at once.
final class Interruption: Sendable {
    enum Phase: Sendable { case reading, running }

    private struct State {
        var phase: Phase = .reading
        var signal: Int32?
        var at: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    private let whileReading: @Sendable (Int32) -> Void
    private let beforeExit: @Sendable (Int32) -> Void
    private let queue = DispatchQueue(label: "gt-apply.signals")
    /// Kept for the life of the run; set once in `init`, never changed (hence unchecked).
    nonisolated(unsafe) private var sources: [any DispatchSourceSignal] = []

    /// Starts listening to SIGINT and SIGTERM. Works whether or not the parent left them blocked
    /// (a process started from Swift async code has them blocked): the sources read them either way.
    ///
    /// - Parameters:
    ///   - whileReading: runs when the first signal comes before ``beginRunning()``, right
    ///     before the process exits.
    ///   - beforeExit: runs whenever a signal ends the process at once (after `whileReading`),
    ///     with the first signal's number.
    init(whileReading: @escaping @Sendable (Int32) -> Void, beforeExit: @escaping @Sendable (Int32) -> Void) {
        self.whileReading = whileReading
        self.beforeExit = beforeExit
        for signo in [SIGINT, SIGTERM] {
            SystemCall.ignore(signal: signo)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler { [self] in received(signo) }
            source.resume()
            sources.append(source)
        }
    }

    /// The run starts acting: from now on a first signal stops new work instead of exiting.
    func beginRunning() {
        state.withLock { $0.phase = .running }
    }

    /// The first signal received, if any.
    var signal: Int32? { state.withLock { $0.signal } }

    var isInterrupted: Bool { signal != nil }

    /// How long ago the first signal came.
    var elapsedSinceSignal: Duration? { state.withLock { $0.at.map { $0.duration(to: .now) } } }

    static func name(_ signo: Int32) -> String {
        switch signo {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(signo)"
        }
    }

    /// The exit status of a run ended by `signo`: 128 + the signal number, as shells report it.
    static func exitStatus(_ signo: Int32) -> Int32 { 128 + signo }

    private func received(_ signo: Int32) {
        // The lock is held through the early exit, so the command cannot start acting (or
        // write to stdout) while the reading-phase output is written.
        state.withLock { state in
            if state.signal == nil, state.phase == .reading {
                whileReading(signo)
                beforeExit(signo)
                _exit(Self.exitStatus(signo))
            }
            if let first = state.signal {
                Self.say("gt-apply: second signal (\(Self.name(signo))): exiting at once; the results stream is incomplete\n")
                beforeExit(first)
                _exit(Self.exitStatus(first))
            }
            state.signal = signo
            state.at = .now
        }
        Self.say("gt-apply: \(Self.name(signo)): no new request starts; finishing the requests in flight, then reporting "
                 + "(a second signal exits at once)\n")
    }

    private static func say(_ text: String) {
        try? SystemCall.writeAll(2, text)  // stderr: nowhere left to report a failure
    }
}
