import GTHTTP
import GTStreams

/// What a current-state run reports beside its records: its counters (the trailer's `stats`),
/// what went wrong beside the stream, and whether it stopped before reading the fleet.
public struct CurrentReport: Sendable {
    public var requests = 0
    public var retries = 0
    public var cacheHits = 0
    public var cacheMisses = 0
    /// Cache entries not written, a shared tier lost, entries refused: the run went on without
    /// them (gt-current prints each as a warning, `--quiet` or not).
    public var warnings: [String] = []
    /// Why the run stopped before reading the fleet (App-Interface, the cache or secret
    /// settings): nothing was written to the sink, and the stream is incomplete.
    public var failure: String?

    public init(failure: String? = nil) { self.failure = failure }

    mutating func count(_ counters: HTTPCounters) {
        requests += counters.requests
        retries += counters.retries
    }

    /// The trailer's `stats` (docs/streams.md, "Framing").
    public func stats(elapsedMilliseconds: Int64) -> [String: JSONValue] {
        [
            "requests": .int(Int64(requests)),
            "retries": .int(Int64(retries)),
            "cache_hits": .int(Int64(cacheHits)),
            "cache_misses": .int(Int64(cacheMisses)),
            "elapsed_ms": .int(elapsedMilliseconds),
        ]
    }
}
