import GTStreams
/// One HTTP request, as plain values (Sendable: it crosses into the transfer thread).
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET", post = "POST", put = "PUT", delete = "DELETE"

        /// Whether repeating the request is harmless. POST is not: a POST whose answer was lost
        /// may already have created the alert.
        public var isIdempotent: Bool { self != .post }
    }

    public var method: Method
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Whole-transfer limit: a server that stops sending mid-body must not hang the run.
    public var timeoutMilliseconds: Int
    public var connectTimeoutMilliseconds: Int

    public init(
        method: Method, url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        timeoutMilliseconds: Int = 30_000, connectTimeoutMilliseconds: Int = 10_000
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutMilliseconds = timeoutMilliseconds
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
    }
}

/// A complete HTTP response.
public struct HTTPResponse: Sendable {
    public let status: Int
    /// Header lines of the final response, in order, names as sent.
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Every value of the header `name` (case-insensitive).
    public func headerValues(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return headers.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    public func header(_ name: String) -> String? { headerValues(name).first }

    public var contentType: String { header("Content-Type") ?? "" }

    public var isJSON: Bool {
        contentType.split(separator: ";").first?.trimmedWhitespace.lowercased() == "application/json"
    }
}
