import GTStreams
/// The user parts of the proxy URLs in the environment (`http://user:password@proxy:3128`).
/// libcurl reads the proxy variables itself and quotes a proxy URL it cannot parse in its error
/// message (`Unsupported proxy syntax in '…'`); `redact` keeps those credentials out of gt's
/// output (README, "Behind a company network").
struct ProxyCredentials: Sendable {
    static let variables = ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]

    private let userinfos: [String]

    init(environment: [String: String]) {
        userinfos = Self.variables.compactMap { name -> String? in
            guard let text = environment[name] else { return nil }
            var value = Substring(text)
            if let scheme = value.firstRange(of: "://") { value = value[scheme.upperBound...] }
            guard let at = value.lastIndex(of: "@"), at > value.startIndex else { return nil }
            return String(value[..<at])
        }.sorted { $0.count > $1.count }  // the longest first, should one contain another
    }

    func redact(_ message: String) -> String {
        userinfos.reduce(message) { $0.replacing($1, with: "…") }
    }
}
