import AppInterface

/// What a run is asked to do beside its plan: gt-apply's flags, or a server's request.
public struct ApplySettings: Sendable {
    /// Only report what would be done (nothing is locked, read or sent).
    public var dryRun: Bool
    /// Refuse the whole run when the plan deletes more alerts than this (`--max-deletes`).
    public var maxDeletes: Int?
    /// Requests in flight per instance (`--concurrency`).
    public var concurrency: Int
    /// The shared cache (`--cache-url`); else `GT_CACHE_URL` in `environment`.
    public var cacheURL: String?
    /// With a shared cache, take only this host's file locks (`--file-locks-only`).
    public var fileLocksOnly: Bool
    /// App-Interface's instance selection (`--instance`).
    public var instance: String?
    /// The variables the run reads (README "Environment"): where the cache and locks live, the
    /// cache TTLs, the secret stores, the shared lock's lifetime.
    public var environment: [String: String]
    /// After the first signal, how long the requests under way are waited for before the run
    /// reports without them (docs/streams.md, "interrupted"). gt-reconcile waits longer.
    public var grace: Duration = .seconds(5)

    public init(dryRun: Bool, maxDeletes: Int? = nil, concurrency: Int, cacheURL: String? = nil, fileLocksOnly: Bool = false,
                instance: String? = nil, environment: [String: String]) {
        self.dryRun = dryRun
        self.maxDeletes = maxDeletes
        self.concurrency = concurrency
        self.cacheURL = cacheURL
        self.fileLocksOnly = fileLocksOnly
        self.instance = instance
        self.environment = environment
    }
}
