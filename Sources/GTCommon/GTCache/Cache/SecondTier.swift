import GTStreams
/// Which second tier a tool's ``ListingCache`` uses: Redis when `--cache-url` or `GT_CACHE_URL`
/// is set (README "Running on many hosts"), else files under ``CacheDirectory/fromEnvironment(_:)`` (a private directory).
public enum SecondTier {
    /// The help text of `--cache-url`, the same on every tool.
    public static let cacheURLHelp = """
        Share the cache (and gt-apply's run locks) between hosts on Redis/Valkey: \
        redis://[:password@]host[:port][/db] or unix:///path/to/redis.sock[?db=N] (also GT_CACHE_URL).
        """

    /// The shared tier's client when a URL is configured; nil for the file tier. A malformed URL throws.
    public static func redis(flag: String?, environment: [String: String]) throws -> RedisClient? {
        try RedisURL.configured(flag: flag, environment: environment).map { RedisClient(url: $0) }
    }

    /// The tier for `redis` if given, else the cache directory (nil when there is no place for one).
    public static func open(redis: RedisClient?, environment: [String: String]) throws -> (any CacheTier)? {
        if let redis { return RedisCacheTier(client: redis) }
        return try CacheDirectory.fromEnvironment(environment).map { FileCacheTier($0) }
    }
}
