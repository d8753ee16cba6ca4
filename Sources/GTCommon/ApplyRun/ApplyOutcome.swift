import ApplyCore
import GTStreams

/// How a run ended: its report, what it cost, and what the front end prints beside it.
public struct ApplyOutcome: Sendable {
    public let report: ApplyReport
    /// HTTP requests and retries of the run (App-Interface, Vault, GlitchTip).
    public let requests: Int
    public let retries: Int
    /// Problems that are not the run's errors (a shared cache entry not removed, with
    /// `--file-locks-only`): the front end shows them as warnings.
    public let warnings: [String]
    /// The run reported without waiting for requests still under way (the grace after a
    /// signal ended): their outcomes are unknown.
    public let abandoned: Bool

    /// The results trailer's stats of gt-apply (docs/streams.md): requests, retries, elapsed_ms.
    public func stats(elapsed: Duration) -> [String: JSONValue] {
        ["requests": .int(Int64(requests)), "retries": .int(Int64(retries)), "elapsed_ms": .int(Int64(elapsed.milliseconds))]
    }
}
