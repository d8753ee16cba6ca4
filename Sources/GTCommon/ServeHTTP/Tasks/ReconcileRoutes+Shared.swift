import Hummingbird
import ServeCore

extension ReconcileRoutes {
    /// The GET of a task this replica does not hold, from the shared store (README "Replicas"):
    /// its result; `pending` read again every 0.5 s up to `timeout`, then 408; 404 when the
    /// store has no record (or the id is not of gt-serve's form); 503 when it cannot be read.
    static func sharedResult(_ shared: SharedResults, _ id: String, _ timeout: Int64?) async -> Response {
        switch await shared.answer(id, timeout: timeout) {
        case .unknown: return .detail(404, "Task not found")
        case .finished(let result): return .json(200, result)
        case .unavailable(let detail): return .detail(503, detail, headers: [.retryAfter: "30"])
        case .pending:
            guard let timeout else { return .json(200, ReconcileResult(status: .pending).json) }
            return .detail(408, "Task still pending after \(timeout)s")
        }
    }
}
