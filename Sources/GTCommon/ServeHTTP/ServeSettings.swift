import GTStreams
import ServeCore

/// gt-serve's settings: the reference's `QAPI_*` variables (README "Drop-in for qontract-api")
/// and the bounds of the task store. Unlike the reference there is no default secret: without
/// `QAPI_JWT_SECRET_KEY`, or with one shorter than 32 bytes, gt-serve does not start.
public struct ServeSettings: Sendable {
    public var jwtSecret: [UInt8]
    /// How long `gt-serve token` makes a token valid (`QAPI_JWT_EXPIRE_DAYS`, 180).
    public var jwtExpireDays: Int64 = 180
    /// Subjects whose tokens are refused though valid (`QAPI_JWT_REVOKED_SUBJECTS`, a JSON list).
    public var revokedSubjects: Set<String> = []
    /// The largest `timeout` a GET may ask for, seconds (`QAPI_API_TASK_MAX_TIMEOUT`, 300).
    public var maxTimeout: Int64 = 300
    /// A GET without `timeout` waits this long; nil: it answers at once (`QAPI_API_TASK_DEFAULT_TIMEOUT`).
    public var defaultTimeout: Int64?
    /// A request body's limit as sent (compressed or not), and a gzip body's once inflated
    /// (`--max-request-mb`). The reference inflates up to 100 MB; a request costs about 30
    /// times its size in memory while it is read (about 3 GB for 100 MB), so gt-serve stops at
    /// 32 MB (about 30,000 projects of five alerts) unless told otherwise.
    public var maxBodyBytes = 10 * 1024 * 1024
    public var maxInflatedBytes = 32 * 1024 * 1024
    /// Tasks run at once: dry runs, and applies (the reference's two queues).
    public var dryRunConcurrency = 4
    public var applyConcurrency = 1
    /// A finished task's result is kept this long; at most `maxTasks` tasks are held.
    public var retention: Duration = .seconds(3600)
    public var maxTasks = 10_000
    /// How each task runs (gt-current's and gt-apply's concurrency, the cache tier).
    public var task = ReconcileTask.Settings()
    /// Who may reconcile what (`--policy`, `GT_SERVE_POLICY`); nil: every valid token may do everything.
    public var policy: ServePolicy?

    public static let minimumSecretBytes = 32

    public init(jwtSecret: [UInt8]) { self.jwtSecret = jwtSecret }

    /// The settings in `environment`, or the first one that is wrong, named (never its value:
    /// the secret's length only).
    public static func read(_ environment: [String: String]) throws(InputError) -> ServeSettings {
        guard let secret = environment["QAPI_JWT_SECRET_KEY"], !secret.isEmpty else {
            throw InputError("QAPI_JWT_SECRET_KEY is not set: gt-serve has no default secret; set it to at least "
                             + "\(minimumSecretBytes) random bytes (e.g. the output of `openssl rand -hex 32`)")
        }
        guard secret.utf8.count >= minimumSecretBytes else {
            throw InputError("QAPI_JWT_SECRET_KEY has \(secret.utf8.count) bytes: at least \(minimumSecretBytes) are needed")
        }
        if let algorithm = environment["QAPI_JWT_ALGORITHM"], !algorithm.isEmpty, algorithm != "HS256" {
            throw InputError("QAPI_JWT_ALGORITHM must be HS256 (the only algorithm gt-serve signs and accepts)")
        }
        var settings = ServeSettings(jwtSecret: Array(secret.utf8))
        if let days = try integer(environment, "QAPI_JWT_EXPIRE_DAYS", in: 1...3650) { settings.jwtExpireDays = days }
        if let max = try integer(environment, "QAPI_API_TASK_MAX_TIMEOUT", in: 1...86_400) { settings.maxTimeout = max }
        settings.defaultTimeout = try integer(environment, "QAPI_API_TASK_DEFAULT_TIMEOUT", in: 1...settings.maxTimeout)
        if let revoked = environment["QAPI_JWT_REVOKED_SUBJECTS"], !revoked.isEmpty {
            let subjects = (try? JSONValue(parsing: revoked))?.arrayValue?.map(\.stringValue)
            guard let subjects, !subjects.contains(nil) else {
                throw InputError(#"QAPI_JWT_REVOKED_SUBJECTS must be a JSON list of strings (e.g. ["ci-old"])"#)
            }
            settings.revokedSubjects = Set(subjects.compactMap { $0 })
        }
        return settings
    }

    /// The integer in `name`, nil when unset or empty; `null`/`none` (pydantic's reading of an
    /// unset optional) count as unset.
    private static func integer(_ environment: [String: String], _ name: String,
                                in range: ClosedRange<Int64>) throws(InputError) -> Int64? {
        guard let text = environment[name], !text.isEmpty, !["null", "none"].contains(text.lowercased()) else { return nil }
        guard let value = Int64(text), range.contains(value) else {
            throw InputError("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return value
    }
}
