import GTStreams
import GTHTTP
/// The GlitchTip REST calls the reconciler makes (docs/glitchtip.md): list organizations,
/// projects and alerts, following pagination; create, update and delete an alert.
///
/// Every path keeps its trailing slash (without it GlitchTip answers with an HTML page or a
/// CSRF 403), and every listing starts with `limit=100`, the largest page GlitchTip serves.
public final class GlitchTipClient: Sendable {
    public let baseURL: String
    private let token: String
    private let http: HTTPClient
    private let timeoutMilliseconds: Int
    /// A listing longer than this many pages is treated as a server fault, not read forever.
    static let maxPages = 10_000

    /// - Parameters:
    ///   - baseURL: the instance's console URL (`https://glitchtip.example.com`).
    ///   - token: the API token; it is sent only in the `Authorization` header, only to `baseURL`'s origin.
    public init(baseURL: String, token: String, http: HTTPClient, timeoutMilliseconds: Int = 30_000) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.token = token
        self.http = http
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// A paginated GlitchTip listing.
    public enum Listing: Sendable, Hashable {
        case organizations
        case projects(organization: String)
        /// GlitchTip answers `200 []` for the alerts of a project that does not exist, so
        /// existence must come from the project listing.
        case alerts(organization: String, project: String)

        /// The fields ``GlitchTipDecoding`` reads of each item; nil for every field.
        var readFields: Set<String>? {
            switch self {
            case .organizations, .projects: ["name", "slug"]
            case .alerts: nil
            }
        }
    }

    /// Every item of a listing (pages concatenated), to decode with ``GlitchTipDecoding``.
    /// Alerts are kept as GlitchTip sent them (an update sends their other fields back);
    /// organizations and projects only with the fields gt reads, page by page, so a listing of
    /// an organization with 10,000 projects is not held whole (docs/architecture.md, "Bounded memory").
    public func items(of listing: Listing) async throws(HTTPError) -> [JSONValue] {
        try await list(path(of: listing), keeping: listing.readFields)
    }

    public func organizations() async throws(HTTPError) -> [GlitchTipOrganization] {
        try await decoded(.organizations, GlitchTipDecoding.organizations)
    }

    public func projects(organization: String) async throws(HTTPError) -> [GlitchTipProject] {
        try await decoded(.projects(organization: organization), GlitchTipDecoding.projects)
    }

    public func alerts(organization: String, project: String) async throws(HTTPError) -> [GlitchTipAlert] {
        try await decoded(.alerts(organization: organization, project: project), GlitchTipDecoding.alerts)
    }

    private func decoded<T>(_ listing: Listing, _ decode: ([JSONValue]) throws -> [T]) async throws(HTTPError) -> [T] {
        let items = try await items(of: listing)
        do { return try decode(items) } catch {
            throw .badJSON(url: RedactedURL(baseURL + path(of: listing)), reason: "\(error)")
        }
    }

    func path(of listing: Listing) -> String {
        switch listing {
        case .organizations: "/api/0/organizations/"
        case .projects(let organization): "/api/0/organizations/\(Self.segment(organization))/projects/"
        case .alerts(let organization, let project): alertsPath(organization, project)
        }
    }

    /// POSTs a new alert. Never retried here: a lost answer may hide a created alert.
    public func createAlert(organization: String, project: String, body: GlitchTipAlertBody)
        async throws(HTTPError) -> GlitchTipAlert
    {
        try await write(.post, alertsPath(organization, project), body)
    }

    /// PUTs the full alert: every managed field, the whole recipient list, the unmanaged fields.
    public func updateAlert(organization: String, project: String, pk: Int64, body: GlitchTipAlertBody)
        async throws(HTTPError) -> GlitchTipAlert
    {
        try await write(.put, alertsPath(organization, project) + "\(pk)/", body)
    }

    public enum DeleteOutcome: Sendable, Equatable {
        case deleted
        /// 404: already gone, or never in this project; the caller confirms by listing.
        case notFound
    }

    public func deleteAlert(organization: String, project: String, pk: Int64) async throws(HTTPError) -> DeleteOutcome {
        let url = baseURL + alertsPath(organization, project) + "\(pk)/"
        let response = try await http.send(request(.delete, url))
        if response.status == 404 { return .notFound }
        try HTTPClient.requireSuccess(response, url: RedactedURL(url))
        return .deleted
    }

    // MARK: - Plumbing

    private func alertsPath(_ organization: String, _ project: String) -> String {
        "/api/0/projects/\(Self.segment(organization))/\(Self.segment(project))/alerts/"
    }

    private func request(_ method: HTTPRequest.Method, _ url: String, body: JSONValue? = nil) -> HTTPRequest {
        var headers: [(name: String, value: String)] = [
            ("Authorization", "Bearer \(token)"), ("Accept", "application/json"), ("User-Agent", "gt/\(GTVersion.current)"),
        ]
        var bytes: [UInt8]?
        if let body {
            headers.append(("Content-Type", "application/json"))
            var out: [UInt8] = []
            body.write(to: &out)
            bytes = out
        }
        return HTTPRequest(method: method, url: url, headers: headers, body: bytes, timeoutMilliseconds: timeoutMilliseconds)
    }

    private func write(_ method: HTTPRequest.Method, _ path: String, _ body: GlitchTipAlertBody)
        async throws(HTTPError) -> GlitchTipAlert
    {
        let url = baseURL + path
        let (json, _) = try await http.sendExpectingJSON(request(method, url, body: body.json))
        do { return try GlitchTipDecoding.alert(JSONField(json)) } catch {
            throw .badJSON(url: RedactedURL(url), reason: "\(error)")
        }
    }

    /// Reads every page of a listing. The next page comes from the `Link` header; a link to
    /// another origin is refused (the token would go with it), and so is a link to a page
    /// already read (a cursor loop). Pages that add up to another total than their `X-Hits`
    /// announced are refused (``ListingCount``).
    private func list(_ path: String, keeping fields: Set<String>?) async throws(HTTPError) -> [JSONValue] {
        let first = baseURL + path + "?limit=100"
        let origin = URLParts(baseURL).origin
        var url = first
        var seen: Set<String> = [url]
        var items: [JSONValue] = []
        var tally = ListingCount()
        while true {
            let (json, response) = try await http.sendExpectingJSON(request(.get, url))
            guard case .array(let page) = json else {
                throw .badJSON(url: RedactedURL(url), reason: "expected a JSON array, got \(json.typeName)")
            }
            if let fields {
                items += page.map { item in
                    guard case .object(let object) = item else { return item }
                    return .object(object.filter { fields.contains($0.key) })
                }
            } else {
                items += page
            }
            tally.add(response)
            guard let next = LinkHeader.nextPage(in: response.headerValues("Link")) else {
                if let problem = tally.disagreement(count: items.count) {
                    throw .pagination(url: RedactedURL(first), reason: "incomplete listing: \(problem); not using it")
                }
                return items
            }
            // A `\` is `/` to WHATWG (and URLParts) but not to libcurl, which would read what
            // precedes a later `@` as userinfo and connect elsewhere: refused like another host.
            guard !next.contains("\\"), URLParts(next).origin == origin else {
                throw .pagination(url: RedactedURL(url),
                                  reason: "next-page link points to another host (\(RedactedURL(next))); not following it")
            }
            guard seen.insert(next).inserted else {
                throw .pagination(url: RedactedURL(url), reason: "next-page link repeats a page already read (cursor loop)")
            }
            guard seen.count <= Self.maxPages else {
                throw .pagination(url: RedactedURL(url), reason: "more than \(Self.maxPages) pages")
            }
            url = next
        }
    }

    /// Percent-encodes one path segment (slugs are plain, but a slug must never add a path level).
    /// `.` and `..` are encoded too: as they are, they are dot-segments, which libcurl removes
    /// (`/projects/acme/../alerts/` is sent as `/projects/alerts/`), so the request would go to
    /// another route.
    static func segment(_ text: String) -> String {
        if text == "." || text == ".." { return String(repeating: "%2E", count: text.count) }
        return PercentEncoding.encode(text, keeping: PercentEncoding.isUnreserved)
    }
}
