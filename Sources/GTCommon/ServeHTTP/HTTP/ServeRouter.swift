import GTStreams
import Hummingbird

/// gt-serve's routes (README "Drop-in for qontract-api"): the reference's reconcile endpoints
/// behind a Bearer token, and `/health`, `/metrics`, `/openapi.json` without one (they say
/// nothing about any instance).
public enum ServeRouter {
    /// - Parameters:
    ///   - address: where gt-serve listens, for a `status_url` when the request has no usable Host.
    ///   - spillDirectory: where request bodies' desired records wait (TMPDIR).
    ///   - log: one structured line per request and per finished task.
    public static func make(runner: TaskRunner, settings: ServeSettings, address: ServeAddress, spillDirectory: String,
                            log: @escaping @Sendable (JSONValue) -> Void) -> Router<ServeContext> {
        let router = Router(context: ServeContext.self)
        router.add(middleware: ServeFrame(auth: BearerAuth(secret: settings.jwtSecret, revoked: settings.revokedSubjects), log: log))
        let reconcile = ReconcileRoutes(runner: runner, settings: settings,
                                        body: RequestBodyReader(maxBodyBytes: settings.maxBodyBytes, maxInflatedBytes: settings.maxInflatedBytes),
                                        spillDirectory: spillDirectory, address: address)
        router.post(RouterPath(ReconcileRoutes.path)) { request, context in await reconcile.submit(request, context) }
        router.get(RouterPath(ReconcileRoutes.path + "/:task_id")) { request, context in await reconcile.result(request, context) }
        // Liveness and readiness: 503 once shutting down, so a load balancer sends no new task here.
        router.get("/health") { _, _ in
            runner.isAccepting ? Response.json(200, ["status": "ok"]) : Response.json(503, ["status": "shutting down"])
        }
        router.get("/metrics") { _, _ in
            let (held, totals) = runner.store.metrics()
            return Response.text(totals.prometheus(held: held), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/openapi.json") { _, _ in Response.text(OpenAPIDocument.text, contentType: "application/json") }
        return router
    }
}
