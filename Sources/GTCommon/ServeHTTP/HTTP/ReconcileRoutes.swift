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
    /// Bodies inflated and read at once: one.
    let reading = AsyncPermits(1)
    /// Where a request's desired records wait while they are checked (TMPDIR).
    let spillDirectory: String
    /// Where gt-serve is reached, for `status_url` when the request's Host is missing or not a plain authority.
    let address: ServeAddress

    /// 202 with the new task's id, `pending` and its absolute `status_url`; 401 before, 413/415/400
    /// for a body out of bounds, 422 for a request the model or gt's rules refuse, then 403 for
    /// one the policy does not allow its subject (nothing runs, no task is kept), 503 while
    /// shutting down or full.
    func submit(_ request: Request, _ context: ServeContext) async -> Response {
        guard runner.isAccepting else { return Self.draining }
        let sent: [UInt8]
        do { sent = try await body.collect(request) } catch { return error.response }
        // One body at a time is inflated and read: a request costs many times its size in
        // memory while it is read, so requests sent together wait rather than add up.
        let parsed: Result<ReconcileRequest, RequestBodyReader.Refused> = await reading.withPermit {
            let bytes: [UInt8]
            do throws(RequestBodyReader.Refused) { bytes = try body.decode(sent, of: request) } catch { return .failure(error) }
            switch await ReconcileRequest.parse(bytes, spillDirectory: spillDirectory) {
            case .success(let parsed): return .success(parsed)
            case .failure(let refusal): return .failure(.init(response: .json(422, refusal.json)))
            }
        }
        let reconcile: ReconcileRequest
        switch parsed {
        case .success(let request): reconcile = request
        case .failure(let refused): return refused.response
        }
        if let refusal = settings.policy?.refusal(reconciling: reconcile.instances.map(\.name), dryRun: reconcile.dryRun,
                                                  by: context.subject ?? "") {
            return .detail(403, refusal)
        }
        switch await runner.submit(reconcile, id: context.requestID) {
        case .draining: return Self.draining
        case .unshared(let detail): return .detail(503, detail, headers: [.retryAfter: "30"])
        case .full: return .detail(503, "gt-serve holds \(settings.maxTasks) tasks, its limit: try again once some have finished",
                                   headers: [.retryAfter: "30"])
        case .accepted:
            let url = "\(scheme(request))://\(host(request, context))\(Self.path)/\(context.requestID)"
            return .json(202, ["id": .string(context.requestID), "status": "pending", "status_url": .string(url)])
        }
    }

    /// The task's result; with `timeout` (or the default timeout) waits for it up to that many
    /// seconds, then 408. 404 for an id gt-serve does not hold; 403 first for a subject the
    /// policy does not name.
    func result(_ request: Request, _ context: ServeContext) async -> Response {
        let id = context.parameters.get("task_id") ?? ""
        let timeout: Int64?
        switch timeoutParameter(request) {
        case .success(let value): timeout = value ?? settings.defaultTimeout
        case .failure(let refusal): return .json(422, refusal.json)
        }
        if let refusal = settings.policy?.refusal(reading: context.subject ?? "") { return .detail(403, refusal) }
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

    /// The request's Host when it is a plain `host[:port]`, else the address its connection
    /// reached, else the one gt-serve bound (``ServeAddress``).
    private func host(_ request: Request, _ context: ServeContext) -> String {
        guard let given = request.head.authority, !given.isEmpty, given.count <= 255,
              given.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]_".contains($0)) })
        else { return context.connectionAuthority ?? address.current }
        return given
    }

    /// `https` behind a proxy that says so (TLS is left to the proxy in front), else `http`.
    private func scheme(_ request: Request) -> String {
        request.headers[.init("X-Forwarded-Proto")!]?.lowercased() == "https" ? "https" : "http"
    }
}
