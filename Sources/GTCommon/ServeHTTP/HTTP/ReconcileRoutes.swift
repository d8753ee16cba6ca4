import GTStreams
import Hummingbird
import ServeCore

/// The reference's two task endpoints (README "Drop-in for qontract-api"): POST a request, GET
/// its result, with the reference's status codes and bodies.
struct ReconcileRoutes: Sendable {
    static let path = "/api/v1/integrations/glitchtip-project-alerts/reconcile"

    let runner: TaskRunner
    let settings: ServeSettings
    let body: RequestBodyReader
    /// Where a request's desired records wait while they are checked (TMPDIR).
    let spillDirectory: String
    /// `host:port` for `status_url` when the request's Host is missing or not a plain authority.
    let authority: String

    /// 202 with the new task's id, `pending` and its absolute `status_url`; 401 before, 413/415/400
    /// for a body out of bounds, 422 for a request the model or gt's rules refuse (nothing
    /// runs), 503 while shutting down or full.
    func submit(_ request: Request, _ context: ServeContext) async -> Response {
        guard runner.isAccepting else { return Self.draining }
        let bytes: [UInt8]
        do { bytes = try await body.read(request) } catch { return error.response }
        let reconcile: ReconcileRequest
        switch await ReconcileRequest.parse(bytes, spillDirectory: spillDirectory) {
        case .success(let parsed): reconcile = parsed
        case .failure(let refusal): return .json(422, refusal.json)
        }
        switch await runner.submit(reconcile, id: context.requestID) {
        case .draining: return Self.draining
        case .unshared(let detail): return .detail(503, detail, headers: [.retryAfter: "30"])
        case .full: return .detail(503, "gt-serve holds \(settings.maxTasks) tasks, its limit: try again once some have finished",
                                   headers: [.retryAfter: "30"])
        case .accepted:
            let url = "\(scheme(request))://\(host(request))\(Self.path)/\(context.requestID)"
            return .json(202, ["id": .string(context.requestID), "status": "pending", "status_url": .string(url)])
        }
    }

    /// The task's result; with `timeout` (or the default timeout) waits for it up to that many
    /// seconds, then 408. 404 for an id gt-serve does not hold.
    func result(_ request: Request, _ context: ServeContext) async -> Response {
        let id = context.parameters.get("task_id") ?? ""
        let timeout: Int64?
        switch timeoutParameter(request) {
        case .success(let value): timeout = value ?? settings.defaultTimeout
        case .failure(let refusal): return .json(422, refusal.json)
        }
        var lookup = runner.store.lookup(id)
        if lookup == .unknown, let shared = runner.shared { return await Self.sharedResult(shared, id, timeout) }
        if lookup == .pending, let timeout { lookup = await runner.store.lookup(id, waiting: .seconds(timeout)) }
        switch lookup {
        case .unknown: return .detail(404, "Task not found")
        case .finished(let result): return .json(200, result.json)
        case .pending:
            guard let timeout else { return .json(200, ReconcileResult(status: .pending).json) }
            return .detail(408, "Task still pending after \(timeout)s")
        }
    }

    /// `?timeout=N` as FastAPI reads `timeout: int = Query(ge=1, le=max)`: nil when absent.
    private func timeoutParameter(_ request: Request) -> Result<Int64?, RequestRefusal> {
        guard let text = request.uri.queryParameters["timeout"] else { return .success(nil) }
        let loc: [ValidationDetail.Step] = [.key("query"), .key("timeout")]
        guard let value = Int64(text.trimmedWhitespace) else {
            return .failure(RequestRefusal(details: [ValidationDetail(
                loc: loc, msg: "Input should be a valid integer, unable to parse string as an integer", type: "int_parsing")]))
        }
        guard value >= 1 else {
            return .failure(RequestRefusal(details: [ValidationDetail(
                loc: loc, msg: "Input should be greater than or equal to 1", type: "greater_than_equal")]))
        }
        guard value <= settings.maxTimeout else {
            return .failure(RequestRefusal(details: [ValidationDetail(
                loc: loc, msg: "Input should be less than or equal to \(settings.maxTimeout)", type: "less_than_equal")]))
        }
        return .success(value)
    }

    static let draining = Response.detail(503, "gt-serve is shutting down: it takes no new task", headers: [.retryAfter: "30"])

    /// The request's Host when it is a plain `host[:port]`, else the address gt-serve listens on.
    private func host(_ request: Request) -> String {
        guard let given = request.head.authority, !given.isEmpty, given.count <= 255,
              given.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]_".contains($0)) }) else { return authority }
        return given
    }

    /// `https` behind a proxy that says so (TLS is left to the proxy in front), else `http`.
    private func scheme(_ request: Request) -> String {
        request.headers[.init("X-Forwarded-Proto")!]?.lowercased() == "https" ? "https" : "http"
    }
}
