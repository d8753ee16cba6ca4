import GTStreams
import Hummingbird

/// The check every route but the three operational ones passes first, as the reference's: `Authorization: Bearer
/// <JWT>`, HS256 with the configured secret, not expired, its subject not revoked. A refusal
/// is 401 with `WWW-Authenticate: Bearer` and FastAPI's detail; the token itself is never
/// said or logged.
struct BearerAuth: Sendable {
    let secret: [UInt8]
    let revoked: Set<String>

    /// Tokens longer than this are refused unread (a real one is a few hundred bytes).
    static let maxTokenBytes = 8192

    /// The subject, or the 401 to answer.
    func subject(of request: Request) -> Result<String, Refusal> {
        guard let header = request.headers[.authorization] else { return .failure(Refusal("Not authenticated")) }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return .failure(Refusal("Not authenticated")) }
        let token = parts[1].trimmedWhitespace
        guard token.utf8.count <= Self.maxTokenBytes else { return .failure(Refusal("Invalid token: token too long")) }
        switch JWT.subject(of: token, secret: secret, now: JWT.now()) {
        case .failure(let refusal): return .failure(Refusal("Invalid token: \(refusal.reason)"))
        case .success(let subject):
            return revoked.contains(subject) ? .failure(Refusal("Token has been revoked")) : .success(subject)
        }
    }

    struct Refusal: Error {
        let detail: String
        init(_ detail: String) { self.detail = detail }

        var response: Response { .detail(401, detail, headers: [.wwwAuthenticate: "Bearer"]) }
    }
}
