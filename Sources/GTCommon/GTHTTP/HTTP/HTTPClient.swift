import Synchronization
import GTStreams

/// Request counters for a stream trailer's `stats`.
public final class HTTPCounters: Sendable {
    private let requestCount = Atomic<Int>(0)
    private let retryCount = Atomic<Int>(0)

    public init() {}

    public var requests: Int { requestCount.load(ordering: .relaxed) }
    public var retries: Int { retryCount.load(ordering: .relaxed) }

    func countRequest() { requestCount.add(1, ordering: .relaxed) }
    func countRetry() { retryCount.add(1, ordering: .relaxed) }
}

/// Sends requests through an ``HTTPTransport`` and retries what is safe to retry: connection
/// errors, timeouts, truncated bodies, 5xx and 429 for GET, PUT and DELETE. A POST may have been
/// acted on, so it is retried only when its caller says a repeat is harmless (`retryable: true`:
/// a GraphQL query, Vault's login; docs/safety.md, "The transport never resends"); otherwise
/// the caller looks before trying again.
public final class HTTPClient: Sendable {
    public let transport: HTTPTransport
    public let retry: RetryPolicy
    public let counters: HTTPCounters

    public init(transport: HTTPTransport, retry: RetryPolicy, counters: HTTPCounters = HTTPCounters()) {
        self.transport = transport
        self.retry = retry
        self.counters = counters
    }

    /// The response of the last attempt, whatever its status; throws only when no response came.
    ///
    /// - Parameter retryable: overrides the method's idempotence, for a POST that changes nothing
    ///   (a GraphQL query).
    ///
    /// The waits between attempts add up to at most ``RetryPolicy/waitBudget(timeoutMilliseconds:)``
    /// (the request's timeout × the retries): a `Retry-After` that does not fit in what is left
    /// ends the retries and its response is returned, so a long server-imposed wait surfaces as
    /// that request's failure instead of stretching the run past its budget unnoticed.
    public func send(_ request: HTTPRequest, retryable: Bool? = nil) async throws(HTTPError) -> HTTPResponse {
        var attempt = 0
        var budget = retry.waitBudget(timeoutMilliseconds: request.timeoutMilliseconds)
        while true {
            counters.countRequest()
            let result = await transport.perform(request)
            let canRetry = (retryable ?? request.method.isIdempotent) && attempt < retry.maxRetries
            var retryAfter: Double?
            switch result {
            case .success(let response):
                guard canRetry, RetryPolicy.isRetryable(status: response.status) else { return response }
                retryAfter = RetryPolicy.retryAfterSeconds(response.header("Retry-After"))
                if let wait = retryAfter, wait > min(retry.maxRetryAfter, budget) { return response }
            case .failure(let error):
                guard canRetry, case .transport(let code, _, _) = error, RetryPolicy.isRetryable(curlCode: code)
                else { throw error }
            }
            attempt += 1
            counters.countRetry()
            let seconds = min(retry.delay(attempt: attempt, retryAfter: retryAfter), budget)
            budget -= seconds
            // A cancelled wait ends the retries: cancellation is never swallowed.
            do { try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000)) } catch { throw .cancelled }
        }
    }

    /// Sends the request and returns its JSON body; a non-2xx status, a body that is not
    /// `application/json` (GlitchTip answers some paths with an HTML page and 200) or invalid
    /// JSON is an error.
    public func sendExpectingJSON(_ request: HTTPRequest, retryable: Bool? = nil)
        async throws(HTTPError) -> (JSONValue, HTTPResponse)
    {
        let response = try await send(request, retryable: retryable)
        let url = RedactedURL(request.url)
        try Self.requireSuccess(response, url: url)
        guard response.isJSON else {
            throw .notJSON(status: response.status, contentType: response.contentType, url: url)
        }
        do {
            return (try JSONValue(parsing: response.body), response)
        } catch {
            throw .badJSON(url: url, reason: error.description)
        }
    }

    /// Throws unless the status is 2xx, with GlitchTip's `detail` (or the HTML page's title) as
    /// the reason.
    public static func requireSuccess(_ response: HTTPResponse, url: RedactedURL) throws(HTTPError) {
        guard !(200..<300).contains(response.status) else { return }
        throw .status(response.status, url: url, detail: errorDetail(response))
    }

    static func errorDetail(_ response: HTTPResponse) -> String {
        if response.isJSON, let body = try? JSONValue(parsing: response.body) {
            if let detail = body["detail"]?.stringValue { return detail }
            if let errors = body["errors"]?.arrayValue?.compactMap(\.stringValue), !errors.isEmpty {
                return errors.joined(separator: "; ")
            }
            return String(body.serialized().prefix(200))
        }
        let text = String(decoding: response.body.prefix(4096), as: UTF8.self)
        if let open = text.firstRange(of: "<title>"), let close = text.firstRange(of: "</title>"),
           open.upperBound <= close.lowerBound
        {
            return "HTML page '\(text[open.upperBound..<close.lowerBound])'"
        }
        let flat = text.prefix(120).map { $0.isNewline ? " " : $0 }
        return String(flat).trimmed(" ")
    }
}
