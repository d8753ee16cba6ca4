import Dispatch
import GTStreams
import Glibc
import Synchronization

/// SIGINT and SIGTERM, read through dispatch signal sources (kept for the life of the server),
/// so the handler may do more than a C signal handler could, whether or not the parent left
/// them blocked. The first one starts the shutdown (`first`); a second one exits at once,
/// 128 + its number, as gt-apply does.
func forwardSignals(first: @escaping @Sendable (Int32) -> Void) -> [any DispatchSourceSignal] {
    let queue = DispatchQueue(label: "gt-serve.signals")
    let received = Latch()
    return [SIGINT, SIGTERM].map { signo in
        SystemCall.ignore(signal: signo)
        let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
        source.setEventHandler {
            guard received.set() else {
                say("gt-serve: second signal (\(signalName(signo))): exiting at once; tasks still running have no result\n")
                _exit(128 + signo)
            }
            first(signo)
        }
        source.resume()
        return source
    }
}

/// Set once: tells the first signal from the next ones.
private final class Latch: Sendable {
    private let isSet = Mutex(false)

    /// Sets it; true when it was not set before.
    func set() -> Bool {
        isSet.withLock { isSet in
            defer { isSet = true }
            return !isSet
        }
    }
}
