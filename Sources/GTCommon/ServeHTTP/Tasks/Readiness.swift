import GTCache
import GTStreams
import Glibc

/// `GET /health?ready=1` (README "Replicas"): whether a load balancer should send this replica
/// new tasks. Not while it shuts down; with `GT_CACHE_URL`, not while that server leaves a
/// PING unanswered for ``pingSeconds``; with the file tier, not while the cache directory
/// cannot be used. `/health` (liveness) stays 200 while the process serves.
public struct Readiness: Sendable {
    static let pingSeconds = 1.0

    private let probe: @Sendable () async -> String?

    /// - Parameter probe: nil when the cache tier is usable, else the status to answer.
    init(probe: @escaping @Sendable () async -> String?) { self.probe = probe }

    /// The probe for gt-serve's cache tier: the server of `shelf` when there is one, else the
    /// cache directory `environment` names (none set: memory only, always ready).
    public static func cacheTier(shelf: RedisResultShelf?, environment: [String: String]) -> Readiness {
        if let url = shelf?.url {
            // A line of its own, so a probe never waits behind the tasks' writes.
            let line = RedisLine(url: url, timeout: pingSeconds)
            return Readiness {
                (try? await line.command(["PING"])) == .status("PONG") ? nil : "cache unreachable"
            }
        }
        return Readiness {
            do {
                guard let directory = try CacheDirectory.fromEnvironment(environment) else { return nil }
                return access(directory.path, W_OK | X_OK) == 0 ? nil : "cache directory unusable"
            } catch {
                return "cache directory unusable"
            }
        }
    }

    /// Always ready (tests that run no cache).
    public static let always = Readiness { nil }

    /// The status code and body of `/health?ready=1`.
    func check(accepting: Bool) async -> (Int, JSONValue) {
        guard accepting else { return (503, ["status": "shutting down"]) }
        if let status = await probe() { return (503, ["status": .string(status)]) }
        return (200, ["status": "ready"])
    }
}
