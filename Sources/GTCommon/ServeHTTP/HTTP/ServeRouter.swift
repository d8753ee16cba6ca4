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
        // Liveness: 200 while the process serves, draining included (a probe that failed then
        // would have the drain killed). Readiness, `?ready=1` (README "Replicas"): 503 while
        // shutting down or while the cache tier cannot be used, so a load balancer sends no new task here.
        router.get("/health") { request, _ in
            guard let ready = request.uri.queryParameters["ready"], ready != "0" else {
                return Response.json(200, ["status": runner.isAccepting ? "ok" : "shutting down"])
            }
            let (code, status) = await runner.readiness.check(accepting: runner.isAccepting)
            return Response.json(code, status)
        }
        router.get("/metrics") { _, _ in
            let (held, totals) = runner.store.metrics()
            return Response.text(totals.prometheus(held: held), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/openapi.json") { _, _ in Response.text(OpenAPIDocument.text, contentType: "application/json") }
        return router
    }
}
