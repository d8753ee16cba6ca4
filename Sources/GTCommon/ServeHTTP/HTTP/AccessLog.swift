import GTStreams
import Hummingbird

/// One structured line per request (a JSON object on stderr in gt-serve): the request id,
/// method, path, the names of the query's parameters (never their values), status, duration,
/// the token's subject, and the CI's `X-Build-Url` (scheme, host and path only) and
/// `X-GitLab-MR-ID` (digits only). Never a header's raw value, a token or a body: nothing a
/// client sends unchecked reaches the log (docs/streams.md, "Redaction").
enum AccessLog {
    static func line(_ request: Request, _ context: ServeContext, status: Int, elapsed: Duration) -> JSONValue {
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        let query = request.uri.queryParameters.map { String($0.key.prefix(64)) }
        return ["event": "access", "request_id": .string(context.requestID), "method": .string(request.method.rawValue),
                "path": .string(String(request.uri.path.prefix(256))), "query": .array(query.map { .string($0) }),
                "status": .int(Int64(status)), "duration_ms": .int(milliseconds), "subject": .optional(context.subject),
                "build_url": .optional(request.headers[.init("X-Build-Url")!].map { String(RedactedURL($0).description.prefix(512)) }),
                "gitlab_mr_id": .optional(request.headers[.init("X-GitLab-MR-ID")!].map(mergeRequest))]
    }

    /// An MR id is a number; anything else is shown as `…`.
    private static func mergeRequest(_ value: String) -> String {
        !value.isEmpty && value.count <= 20 && value.allSatisfy(\.isASCII) && value.allSatisfy(\.isNumber) ? value : "…"
    }
}

/// The frame around every route: the token check, errors as FastAPI's JSON (`{"detail": …}`),
/// `X-Request-ID` on every answer, and the access log line.
struct ServeFrame: RouterMiddleware {
    typealias Context = ServeContext
    let auth: BearerAuth
    let log: @Sendable (JSONValue) -> Void

    /// The only paths answered without a token, as sent (byte for byte): any other spelling
    /// the router might still match (`//api/…`, percent-encoded) needs one, so the check
    /// cannot be stepped around.
    static let open: Set<String> = ["/health", "/metrics", "/openapi.json"]

    func handle(_ request: Request, context: ServeContext,
                next: (Request, ServeContext) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var context = context
        var response: Response
        if Self.open.contains(request.uri.path) {
            response = await Self.respond(request, context, next)
        } else {
            switch auth.subject(of: request) {
            case .success(let subject):
                context.subject = subject
                response = await Self.respond(request, context, next)
            case .failure(let refusal):
                response = refusal.response
            }
        }
        response.headers[.init("X-Request-ID")!] = context.requestID
        log(AccessLog.line(request, context, status: response.status.code, elapsed: .now - started))
        return response
    }

    private static func respond(_ request: Request, _ context: ServeContext,
                                _ next: (Request, ServeContext) async throws -> Response) async -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            if error.status == .notFound, let refusal = KnownRoutes.methodNotAllowed(request) { return refusal }
            return .detail(error.status.code, error.status == .notFound ? "Not Found" : error.status.reasonPhrase)
        } catch {
            // The routes answer every failure they know; this one is not said (it may quote input).
            return .detail(500, "Internal Server Error")
        }
    }
}
