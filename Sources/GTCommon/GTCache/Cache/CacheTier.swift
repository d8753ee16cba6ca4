import GTStreams
/// The second tier of ``ListingCache``, behind its memory: files on this host
/// (``FileCacheTier``), or a Redis/Valkey server shared by many hosts (``RedisCacheTier``).
/// See docs/architecture.md "The cache seam".
///
/// A tier stores opaque bytes (entries already sealed with ``CacheSeal``) and gives a per-key
/// lock so that concurrent runs fetch each resource once. A tier whose server cannot be reached
/// throws ``CacheTierUnavailable``: the cache then falls back to GlitchTip for the rest of the
/// run with one warning; any other error is the listing's own.
///
/// Every call blocks its thread (a disk, a Redis round trip): ``ListingCache`` makes them on its
/// own queues, never from async code.
public protocol CacheTier: Sendable {
    /// The bytes stored for `key`, or nil (none, or unreadable: a miss).
    @available(*, noasync, message: "blocks its thread: ListingCache calls tiers on its I/O queues")
    func read(_ key: String) throws -> [UInt8]?
    /// Many keys in one go, in order; nil when the tier has no faster way than one read per key.
    @available(*, noasync, message: "blocks its thread: ListingCache calls tiers on its I/O queues")
    func read(_ keys: [String]) throws -> [[UInt8]?]?
    /// Stores `bytes` for `key`, to live `seconds` (the tier may also rely on the entry's own stamp).
    @available(*, noasync, message: "blocks its thread: ListingCache calls tiers on its I/O queues")
    func write(_ key: String, _ bytes: [UInt8], seconds: Double) throws
    @available(*, noasync, message: "blocks its thread: ListingCache calls tiers on its I/O queues")
    func remove(_ key: String) throws
    /// The key's lock without waiting; nil while another run holds it.
    @available(*, noasync, message: "blocks its thread: ListingCache calls tiers on its I/O queues")
    func tryLock(_ key: String) throws -> (any CacheTierLock)?
    /// How long a miss waits for another run's lock before fetching on its own (seconds).
    var lockWaitLimit: Double { get }
    /// Entries found and refused (too large, not what gt writes): each a miss, and a warning.
    var notices: CacheNotices { get }
    /// Whether a call waits on a server (a round trip, up to a timeout), so it must not hold a
    /// thread of the cooperative pool; a local disk's calls return in microseconds.
    var waitsOnNetwork: Bool { get }
}

extension CacheTier {
    public var waitsOnNetwork: Bool { false }
}

public protocol CacheTierLock: Sendable {
    /// Blocks its thread for a shared tier's lock (a round trip): not from async code.
    @available(*, noasync, message: "blocks its thread: ListingCache releases locks on its I/O queues")
    func release()
}

/// The shared tier's server cannot be reached or failed (the description never shows a password).
public struct CacheTierUnavailable: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The file tier: ``CacheDirectory`` (per-key `flock`, atomic writes; the entry's `stored_at`
/// stamp decides its age).
public struct FileCacheTier: CacheTier {
    public let directory: CacheDirectory

    public init(_ directory: CacheDirectory) { self.directory = directory }

    public func read(_ key: String) throws -> [UInt8]? { directory.read(key) }
    public func read(_ keys: [String]) throws -> [[UInt8]?]? { nil }
    public func write(_ key: String, _ bytes: [UInt8], seconds: Double) throws { try directory.write(key, bytes) }
    public func remove(_ key: String) throws { directory.remove(key) }
    public func tryLock(_ key: String) throws -> (any CacheTierLock)? {
        try directory.tryLock(key)
    }
    /// A holder of a file lock is alive on this host (the kernel drops the lock when it dies).
    public var lockWaitLimit: Double { .infinity }
    public var notices: CacheNotices { directory.notices }
}

/// A file tier's per-key lock: released once, by its owner or its `deinit`.
extension FileLock: CacheTierLock {}
