import ApplyCore
import GTStreams
import Synchronization

/// A run's metrics file (`--metrics-file`, README "Cron, with metrics"), written once: by the
/// run's end, or by a signal that ends the process first, whichever comes first; the other
/// waits for it, then writes nothing.
public final class MetricsRecorder: Sendable {
    private let path: String?
    private let problems: @Sendable (String) -> Void
    private let written = Mutex(false)

    /// - Parameters:
    ///   - path: the file; nil: no metrics are written.
    ///   - problems: told why the file could not be written.
    public init(path: String?, problems: @escaping @Sendable (String) -> Void) {
        self.path = path
        self.problems = problems
    }

    /// Where the metrics go: `flag` (`--metrics-file`), else `GT_METRICS_FILE`.
    public static func path(flag: String?, environment: [String: String]) -> String? {
        flag ?? environment["GT_METRICS_FILE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public var hasPath: Bool { path != nil }

    /// False (the reason reported) when the file could not be written; true without a path.
    public func record(_ metrics: @autoclosure () -> RunMetrics) -> Bool {
        guard let path else { return true }
        return written.withLock { done in
            if done { return true }
            done = true
            do { try metrics().write(to: path) } catch {
                problems("\(error)")
                return false
            }
            return true
        }
    }
}
