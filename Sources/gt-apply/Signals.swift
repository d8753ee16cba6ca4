import ApplyCore
import ApplyRun
import Dispatch
import GTStreams
import Glibc

/// SIGINT and SIGTERM, told to the run's interruption (docs/streams.md, "interrupted"). They
/// are ignored as such and read through dispatch signal sources (kept for the life of the run),
/// so a handler may do more than a C signal handler could, whether or not the parent left them
/// blocked (a process started from Swift async code has them blocked). `ending` runs right
/// before a signal ends the process at once, the interruption's lock held.
func forwardSignals(to interruption: RunInterruption,
                    ending: @escaping @Sendable (RunInterruption.Ending) -> Void) -> [any DispatchSourceSignal] {
    let queue = DispatchQueue(label: "gt-apply.signals")
    return [SIGINT, SIGTERM].map { signo in
        SystemCall.ignore(signal: signo)
        let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
        source.setEventHandler {
            let first = interruption.receive(signo) { end in
                if case .secondSignal(_, let second) = end {
                    say("gt-apply: second signal (\(ApplyReport.signalName(second))): exiting at once; the results stream is incomplete\n")
                }
                ending(end)
                _exit(RunInterruption.exitStatus(end.first))
            }
            if first {
                say("gt-apply: \(ApplyReport.signalName(signo)): no new request starts; finishing the requests in flight, then "
                    + "reporting (a second signal exits at once)\n")
            }
        }
        source.resume()
        return source
    }
}

private func say(_ text: String) {
    try? SystemCall.writeAll(2, text)  // stderr: nowhere left to report a failure
}
