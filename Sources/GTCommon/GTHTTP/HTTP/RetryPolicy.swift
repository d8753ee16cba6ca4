import GTStreams
/// When and how long to wait before trying a request again.
///
/// Exponential backoff with full jitter (so many clients retrying one server spread out), and
/// at least the server's `Retry-After`.
public struct RetryPolicy: Sendable {
    public var maxRetries: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// A `Retry-After` longer than this is not waited for: the run would look hung.
    public var maxRetryAfter: Double

    public init(maxRetries: Int, baseDelay: Double = 0.2, maxDelay: Double = 10, maxRetryAfter: Double = 120) {
        self.maxRetries = max(0, maxRetries)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Seconds to wait before retry number `attempt` (1-based).
    public func delay(attempt: Int, retryAfter: Double?) -> Double {
        let ceiling = min(maxDelay, baseDelay * Double(1 << min(attempt - 1, 16)))
        let backoff = Double.random(in: (ceiling / 2)...ceiling)
        return max(backoff, retryAfter ?? 0)
    }

    /// The most one request may spend waiting between its attempts: its timeout × the retries
    /// (the instance's `readTimeout` × `maxRetries`), so retries never stretch a request much past
    /// what the instance's settings promise (docs/safety.md, "Retry waits are bounded").
    public func waitBudget(timeoutMilliseconds: Int) -> Double {
        Double(max(0, timeoutMilliseconds)) / 1000 * Double(maxRetries)
    }

    /// Whether a response status is worth another try: overload and server errors.
    public static func isRetryable(status: Int) -> Bool { status == 429 || status >= 500 }

    /// Whether a libcurl failure is worth another try. Bad URLs, TLS certificate problems and an
    /// oversized body will fail the same way again.
    public static func isRetryable(curlCode: Int) -> Bool {
        ![1, 2, 3, 4, 23, 27, 35, 51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91].contains(curlCode)
    }

    /// `Retry-After` in seconds (the delta-seconds form; an HTTP date is treated as absent).
    public static func retryAfterSeconds(_ value: String?) -> Double? {
        guard let value, let seconds = Double(value.trimmedWhitespace), seconds >= 0 else { return nil }
        return seconds
    }
}
