import Hummingbird

/// The paths gt-serve serves and the method each takes, for FastAPI's 405: a known path asked
/// with another method is `405 {"detail": "Method Not Allowed"}` with `Allow`, an unknown path
/// 404. Paths are split as the router splits them (empty components dropped), so a path the
/// router would match with the right method is known here too (MethodTests checks each route).
enum KnownRoutes {
    private static let reconcile = ReconcileRoutes.path.split(separator: "/")
    private static let operational: Set<Substring> = ["health", "metrics", "openapi.json"]

    /// The method served at `path`, nil for a path gt-serve does not serve.
    static func method(at path: String) -> HTTPRequest.Method? {
        let parts = path.split(separator: "/")
        if parts == reconcile { return .post }
        if parts.count == reconcile.count + 1, parts.starts(with: reconcile) { return .get }
        if parts.count == 1, operational.contains(parts[0]) { return .get }
        return nil
    }

    /// 405 for a known path, else nil (the router's 404 stands).
    static func methodNotAllowed(_ request: Request) -> Response? {
        guard let allowed = method(at: request.uri.path), allowed != request.method else { return nil }
        return .detail(405, "Method Not Allowed", headers: [.allow: allowed.rawValue])
    }
}
