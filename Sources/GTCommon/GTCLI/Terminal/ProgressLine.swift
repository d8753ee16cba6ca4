import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import GTStreams

/// A one-line progress counter on stderr (`gt-current: 120/400 projects`), redrawn in place.
/// Only for a terminal: a log file or a CI step gets nothing.
public final class ProgressLine: Sendable {
    private let label: String
    private let state = Mutex<(done: Int, total: Int, lastDraw: Double)>((0, 0, 0))

    /// nil unless stderr is a terminal (and `TERM` is not `dumb`).
    public static func onTerminal(label: String, environment: [String: String]) -> ProgressLine? {
        guard SystemCall.isTerminal(2), environment["TERM"] != "dumb" else { return nil }
        return ProgressLine(label: label)
    }

    init(label: String) { self.label = label }

    public func add(total: Int) {
        state.withLock { $0.total += total }
        draw(force: false)
    }

    public func advance(_ count: Int = 1) {
        state.withLock { $0.done += count }
        draw(force: false)
    }

    /// Erases the line (call before printing anything else, and at the end).
    public func clear() {
        Self.emit("\r\u{1B}[K")
    }

    private func draw(force: Bool) {
        let text: String? = state.withLock { state in
            let now = Double(clock()) / Double(CLOCKS_PER_SEC)
            guard force || now - state.lastDraw > 0.05 || state.done == state.total else { return nil }
            state.lastDraw = now
            return "\r\u{1B}[K\(label): \(state.done)/\(state.total)"
        }
        if let text { Self.emit(text) }
    }

    private static func emit(_ text: String) {
        try? SystemCall.writeAll(2, text)
    }
}
