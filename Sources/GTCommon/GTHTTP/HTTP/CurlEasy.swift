internal import CCurl
internal import CCurlShims
import GTStreams

/// libcurl is initialised once per process, lazily and thread-safely (a global `let`).
let curlGlobalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

/// What one transfer received; libcurl's callbacks append to it through `userdata`.
final class TransferSink {
    var status = 0
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
    /// A response larger than this is refused rather than held in memory.
    static let maxBodyBytes = 256 << 20

    func reset() {
        status = 0
        headers.removeAll(keepingCapacity: true)
        body = []
    }
}

// C callbacks capture nothing (a capturing closure crashes swiftc 6.3.1 in Swift 6 mode);
// per-transfer state arrives through `userdata`.
private let bodyCallback: gt_curl_data_cb = { ptr, size, nmemb, userdata in
    let count = size * nmemb
    guard let ptr, let userdata else { return 0 }
    let sink = Unmanaged<TransferSink>.fromOpaque(userdata).takeUnretainedValue()
    if sink.body.count + count > TransferSink.maxBodyBytes { return 0 }  // aborts: CURLE_WRITE_ERROR
    sink.body.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: count))
    return count
}

private let headerCallback: gt_curl_data_cb = { ptr, size, nmemb, userdata in
    let count = size * nmemb
    guard let ptr, let userdata else { return 0 }
    let sink = Unmanaged<TransferSink>.fromOpaque(userdata).takeUnretainedValue()
    let line = String(decoding: UnsafeRawBufferPointer(start: ptr, count: count), as: UTF8.self)
    if line.hasPrefix("HTTP/") {
        // A new status line (after a 100 Continue, say) starts a new header block.
        sink.headers.removeAll(keepingCapacity: true)
        return count
    }
    if let colon = line.firstIndex(of: ":") {
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].trimmedWhitespace
        sink.headers.append((name: name, value: value))
    }
    return count
}

/// Owns one libcurl easy handle and everything its transfer points at (header list, error
/// buffer, sink); `deinit` frees them. Confined to the transfer thread. The handle is lent to
/// the multi handle through ``withHandle(_:)``, for the length of one call.
final class CurlEasy {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headerList: UnsafeMutablePointer<curl_slist>?
    let sink = TransferSink()
    private(set) var request: HTTPRequest?
    private var trust = TrustStore.system
    private var proxies = ProxyCredentials(environment: [:])

    init() throws(HTTPError) {
        guard curlGlobalInit == CURLE_OK else {
            throw .invalidRequest("libcurl could not be initialised (code \(curlGlobalInit.rawValue))")
        }
        guard let handle = curl_easy_init() else { throw .invalidRequest("curl_easy_init failed") }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// Lends the easy handle to `body`, which must not keep it.
    func withHandle<Result, Failure: Error>(_ body: (UnsafeMutableRawPointer) throws(Failure) -> Result) throws(Failure) -> Result {
        try body(handle)
    }

    /// Sets the handle up for `request`. `curl_easy_reset` keeps the connection cache, which is
    /// what keeps connections alive across requests.
    func prepare(_ request: HTTPRequest, trust: TrustStore = .system,
                 proxies: ProxyCredentials = ProxyCredentials(environment: [:])) throws(HTTPError) {
        curl_easy_reset(handle)
        curl_slist_free_all(headerList)
        headerList = nil
        sink.reset()
        errorBuffer[0] = 0
        self.request = request
        self.trust = trust
        self.proxies = proxies
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()

        try check(gt_curl_setopt_string(handle, CURLOPT_URL, request.url), "URL")
        try check(gt_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"), "protocols")
        try check(gt_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "error buffer")
        try check(gt_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "nosignal")
        // TLS verification is always on (docs/architecture.md, "TLS trust and proxies").
        try check(gt_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1), "verify peer")
        try check(gt_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2), "verify host")
        try setTrust(trust)
        // Redirects are not followed: GlitchTip only redirects a path without its trailing slash.
        try check(gt_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0), "follow")
        try check(gt_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""), "encoding")
        try check(gt_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, request.timeoutMilliseconds), "timeout")
        try check(
            gt_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeoutMilliseconds),
            "connect timeout")
        try check(gt_curl_setopt_data_cb(handle, CURLOPT_WRITEFUNCTION, bodyCallback), "write function")
        try check(gt_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer), "write data")
        try check(gt_curl_setopt_data_cb(handle, CURLOPT_HEADERFUNCTION, headerCallback), "header function")
        try check(gt_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, sinkPointer), "header data")

        if !request.method.isIdempotent {
            // libcurl silently sends a request again on a new connection when a reused one dies
            // before any answer byte; for a POST the server may already have acted on (a duplicate
            // alert). A fresh connection is never "reused", so libcurl cannot resend: the failure
            // reaches gt, which looks before deciding (docs/safety.md, "The transport never resends").
            try check(gt_curl_setopt_long(handle, CURLOPT_FRESH_CONNECT, 1), "fresh connect")
        }
        switch request.method {
        case .get: try check(gt_curl_setopt_long(handle, CURLOPT_HTTPGET, 1), "GET")
        case .delete: try check(gt_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, "DELETE"), "DELETE")
        case .post: try check(gt_curl_setopt_long(handle, CURLOPT_POST, 1), "POST")
        case .put:
            try check(gt_curl_setopt_long(handle, CURLOPT_POST, 1), "PUT")
            try check(gt_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, "PUT"), "PUT")
        }
        // A POST or PUT without a body must still get one, or libcurl would read stdin.
        let body = request.body ?? (request.method == .post || request.method == .put ? [] : nil)
        if let body {
            // Size first, or libcurl strlen()s the body; COPYPOSTFIELDS copies it, so the Swift
            // array need not outlive this call.
            try check(gt_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "body size")
            let code = body.withUnsafeBytes { raw in
                let pointer = UnsafeMutableRawPointer(mutating: raw.baseAddress ?? UnsafeRawPointer(errorBuffer))
                return gt_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, pointer)
            }
            try check(code, "body")
        }
        var lines = request.headers.map { "\($0.name): \($0.value)" }
        if body != nil { lines.append("Expect:") }  // no 100-continue round trip
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else {
                throw .invalidRequest("could not build request headers")
            }
            headerList = appended
        }
        if let headerList { try check(gt_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), "headers") }
    }

    /// The CAs that verify the peer (TrustStore; README "Behind a company network"). Chosen CAs
    /// replace the system store, file and directory alike, as with python-requests and Vault.
    /// Proxies are left to libcurl, which reads `https_proxy`, `no_proxy`… itself.
    private func setTrust(_ trust: TrustStore) throws(HTTPError) {
        // Plain HTTP verifies nothing, so unusable CAs fail only what they would verify.
        guard trust.caFile != nil || trust.caDirectory != nil || trust.problem != nil,
              URLParts(request?.url ?? "").scheme.lowercased() == "https" else { return }
        if let problem = trust.problem { throw .invalidRequest("\(RedactedURL(request?.url ?? "")): \(problem)") }
        if let file = trust.caFile {
            try check(gt_curl_setopt_string(handle, CURLOPT_CAINFO, file), "CA bundle")
        } else {
            try check(gt_curl_setopt_pointer(handle, CURLOPT_CAINFO, nil), "CA bundle")
        }
        if let directory = trust.caDirectory {
            try check(gt_curl_setopt_string(handle, CURLOPT_CAPATH, directory), "CA directory")
        } else {
            try check(gt_curl_setopt_pointer(handle, CURLOPT_CAPATH, nil), "CA directory")
        }
    }

    private func check(_ code: CURLcode, _ what: String) throws(HTTPError) {
        guard code == CURLE_OK else {
            let url = RedactedURL(request?.url ?? "")
            throw .invalidRequest("\(url): cannot set \(what): \(String(cString: curl_easy_strerror(code)))")
        }
    }

    /// The outcome of the finished transfer.
    func result(_ code: CURLcode) -> Result<HTTPResponse, HTTPError> {
        let url = RedactedURL(request?.url ?? "")
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            var message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            if let hint = trust.hint(curlCode: Int(code.rawValue)) { message += "; \(hint)" }
            message = proxies.redact(message)
            return .failure(.transport(code: Int(code.rawValue), message: Self.scrub(message), url: url))
        }
        var status = 0
        _ = gt_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: sink.headers, body: sink.body))
    }

    /// libcurl's messages can quote the URL; keep only what a redacted URL would show.
    private static func scrub(_ message: String) -> String {
        message.split(separator: " ", omittingEmptySubsequences: false).map { word in
            word.contains("://") ? RedactedURL(String(word)).description : String(word)
        }.joined(separator: " ")
    }
}
