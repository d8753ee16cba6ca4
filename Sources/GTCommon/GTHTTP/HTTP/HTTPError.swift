import GTStreams
/// Why an HTTP exchange failed. Every case names the URL in its redacted form (no query, no
/// userinfo), so no token or webhook secret reaches a log through an error.
public enum HTTPError: Error, Sendable, CustomStringConvertible {
    /// No usable response: connection refused or reset, timeout, truncated body (libcurl's code
    /// and message).
    case transport(code: Int, message: String, url: RedactedURL)
    /// The server answered with a non-2xx status.
    case status(Int, url: RedactedURL, detail: String)
    /// JSON was expected and something else came (GlitchTip serves HTML 200 on some paths).
    case notJSON(status: Int, contentType: String, url: RedactedURL)
    case badJSON(url: RedactedURL, reason: String)
    /// A `Link` header that cannot be followed safely.
    case pagination(url: RedactedURL, reason: String)
    /// The request could not even be set up (an invalid URL, say).
    case invalidRequest(String)
    /// libcurl's multi interface failed (a `CURLMcode`): the transfers under way fail with it.
    case multi(code: Int, call: String, message: String)
    /// The awaiting task was cancelled: the transfer was taken out of the queue, or stopped.
    case cancelled

    public var description: String {
        switch self {
        case .transport(let code, let message, let url):
            "\(url): \(message) (curl error \(code))"
        case .status(let status, let url, let detail):
            // The body may echo what was sent, a webhook URL's secret included (docs/streams.md, "Redaction").
            detail.isEmpty ? "\(url): HTTP \(status)" : "\(url): HTTP \(status): \(RedactedURL.scrub(detail))"
        case .notJSON(let status, let contentType, let url):
            "\(url): expected JSON, got \(contentType.isEmpty ? "no content type" : contentType) (HTTP \(status))"
        case .badJSON(let url, let reason):
            "\(url): invalid JSON in response: \(RedactedURL.scrub(reason))"
        case .pagination(let url, let reason):
            "\(url): \(reason)"
        case .invalidRequest(let reason):
            reason
        case .multi(let code, let call, let message):
            "\(call) failed: \(message) (CURLMcode \(code))"
        case .cancelled:
            "cancelled"
        }
    }

    /// Whether the failure left it unknown if the server acted on the request (a POST whose
    /// answer was lost, or a 5xx): the caller must look before trying again.
    public var isAmbiguous: Bool {
        switch self {
        case .transport(let code, _, _):
            // Connection refused or not resolved: nothing was sent.
            !(code == 6 || code == 7)
        case .status(let status, _, _): status >= 500
        case .notJSON(let status, _, _): status >= 500
        // The transfer may have been under way: a POST may have reached the server.
        case .multi, .cancelled: true
        default: false
        }
    }

    /// The HTTP status, when the failure carried one.
    public var status: Int? {
        switch self {
        case .status(let s, _, _): s
        case .notJSON(let s, _, _): s
        default: nil
        }
    }
}
