import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import GTStreams

/// The two-tier cache of GlitchTip listings (docs/architecture.md, "The cache seam"): memory for this process, then a second
/// tier shared between runs (files, or Redis shared between hosts: ``CacheTier``), with
/// double-checked locking so concurrent runs fetch once.
///
/// A shared tier blocks its thread (a Redis round trip, up to the client's timeout): every call
/// into it runs on the cache's I/O queue or its writers, never on a thread of the cooperative
/// pool, which async callers await (docs/architecture.md, "Concurrency"). The file tier's calls
/// (a small file on a local disk) run where they are made, as gt's other file reads do: a hop
/// per entry would add a thread switch to each read of a warm run and win nothing.
public final class ListingCache: Sendable {
    private let directory: (any CacheTier)?
    /// The shared tier failed (``CacheTierUnavailable``): GlitchTip only from then on, one warning.
    private let tierDown = Atomic<Bool>(false)
    /// Sealed entries read ahead in one round trip (``prefetch(_:)``), each taken once.
    private let prefetched = Mutex<[String: [UInt8]]>([:])
    private let ttl: CacheTTLs
    /// `--refresh`: never read an entry, still write the fresh one.
    private let refresh: Bool
    private let memory = Mutex<[String: JSONValue]>([:])
    private let hitCount = Atomic<Int>(0)
    private let missCount = Atomic<Int>(0)
    private let writeProblems = Mutex<[String]>([])
    /// Entries are written (fsync and all) off the cooperative thread pool, which would
    /// otherwise stall every request's continuation behind the disk: on four serial queues,
    /// so at most four threads write and none is parked waiting for a slot.
    private let writers = (0..<4).map { DispatchQueue(label: "gt.cache.writer.\($0)", qos: .utility) }
    private let nextWriter = Atomic<UInt>(0)
    private let pendingWrites = DispatchGroup()
    /// Writes queued and not yet on disk, each holding its key's lock descriptor: at most 64;
    /// a fetch past that waits for one to finish without holding a thread.
    private let writeSlots = AsyncPermits(64)
    /// Where the tier is read, locked and cleared: many at once (each waits on its disk or its
    /// server, not on a pool thread).
    private let io = DispatchQueue(label: "gt.cache.io", attributes: .concurrent)
    /// The tier waits on a server: its calls go to ``io``.
    private let offPool: Bool

    public convenience init(directory: CacheDirectory?, ttl: CacheTTLs, refresh: Bool = false) {
        self.init(tier: directory.map(FileCacheTier.init), ttl: ttl, refresh: refresh)
    }

    public init(tier: (any CacheTier)?, ttl: CacheTTLs, refresh: Bool = false) {
        self.directory = tier
        offPool = tier?.waitsOnNetwork ?? false
        self.ttl = ttl
        self.refresh = refresh
    }

    /// Reads the entries of `keys` ahead, in one round trip where the tier can (Redis pipelines
    /// them); a later ``value(for:seal:fetch:)`` of one of them then does no I/O of its own.
    public func prefetch(_ keys: [String]) async {
        guard !refresh, !keys.isEmpty, let tier = activeTier else { return }
        do {
            guard let values = try await onIO({ try tier.read(keys) }) else { return }
            prefetched.withLock { stored in
                for (key, value) in zip(keys, values) { if let value { stored[key] = value } }
            }
        } catch { tierFailed(error) }
    }

    public var hits: Int { hitCount.load(ordering: .relaxed) }
    public var misses: Int { missCount.load(ordering: .relaxed) }
    /// Entries that could not be written (a full disk, say): the run goes on without them.
    public var problems: [String] { writeProblems.withLock { $0 } }

    /// Waits, without blocking a thread, until every entry of this run is on disk (and its lock
    /// released). Call before exit.
    public func finishWrites() async {
        await withCheckedContinuation { done in pendingWrites.notify(queue: .global()) { done.resume() } }
    }

    /// The cached value of `key`, or what `fetch` returns (then stored). A fetch that throws
    /// stores nothing. Files are sealed with `seal` (see ``CacheSeal``); without one nothing is
    /// written to or read from the file tier.
    public func value(for key: String, seal: CacheSeal?,
                      fetch: @Sendable () async throws -> [JSONValue]) async throws -> [JSONValue] {
        if !refresh, let items = await lookup(key, seal) {
            hitCount.add(1, ordering: .relaxed)
            return items
        }
        guard let directory = activeTier, let seal else { return try await fetchAndStore(key, nil, lock: nil, fetch) }
        let lock = try await acquire(key, in: directory)
        // Another run may have fetched while this one waited for the lock.
        if !refresh, let items = await lookup(key, seal) {
            await release(lock)
            hitCount.add(1, ordering: .relaxed)
            return items
        }
        return try await fetchAndStore(key, seal, lock: lock, fetch)
    }

    /// Forgets `key` in both tiers (before and after a mutation of what it lists).
    public func remove(_ key: String) async {
        _ = memory.withLock { $0.removeValue(forKey: key) }
        _ = prefetched.withLock { $0.removeValue(forKey: key) }
        guard let tier = activeTier else { return }
        do { try await onIO { try tier.remove(key) } } catch { tierFailed(error) }
    }

    /// Runs `body`, a call into the tier: on the I/O queue, awaited, when the tier waits on a
    /// server; else here.
    private func onIO<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        guard offPool else { return try body() }
        return try await withCheckedThrowingContinuation { continuation in
            io.async { continuation.resume(with: Result(catching: body)) }
        }
    }

    /// Releases a tier's lock on the I/O queue (a Redis lock is a round trip).
    private func release(_ lock: (any CacheTierLock)?) async {
        guard let lock else { return }
        _ = try? await onIO { lock.release() }
    }

    /// The second tier, unless it failed earlier in this run.
    private var activeTier: (any CacheTier)? { tierDown.load(ordering: .relaxed) ? nil : directory }

    /// A shared tier that cannot be reached is an optimisation lost, not an error: one warning,
    /// then GlitchTip directly. Other errors stay the listing's (a file tier's lock failing).
    private func tierFailed(_ error: Error) {
        guard error is CacheTierUnavailable else {
            writeProblems.withLock { $0.append("\(error)") }
            return
        }
        if tierDown.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged {
            writeProblems.withLock {
                $0.append("shared cache unavailable (\(error)); reading GlitchTip directly for the rest of this run")
            }
        }
    }

    /// Replaces the entry of `key` in both tiers with `items`, a listing just read from the
    /// server: what gt-apply learns from its fresh read becomes what the next cached run plans
    /// from (docs/architecture.md). Written at once, not in the background, so the entry is on
    /// disk when this returns; without a seal the file entry is only removed.
    public func replace(_ key: String, with items: [JSONValue], seal: CacheSeal?) async {
        memory.withLock { $0[key] = .array(items) }
        _ = prefetched.withLock { $0.removeValue(forKey: key) }
        guard let tier = activeTier else { return }
        var sealed: [UInt8]?
        if let seal {
            let entry: JSONValue = ["key": .string(key), "stored_at": .double(Self.now()), "items": .array(items)]
            var bytes: [UInt8] = []
            entry.write(to: &bytes)
            sealed = seal.seal(bytes, entry: key)
            if sealed == nil { writeProblems.withLock { $0.append("cache entry \(key) could not be sealed; removed") } }
        }
        let seconds = ttl.seconds(for: key)
        do {
            try await onIO { [sealed] in
                do {
                    if let sealed { try tier.write(key, sealed, seconds: seconds) } else { try tier.remove(key) }
                } catch {
                    // An entry that could not be replaced must not stay: the next run would plan from it.
                    try? tier.remove(key)
                    throw error
                }
            }
        } catch {
            tierFailed(error)
        }
    }

    /// Fetches, then stores the entry in the background; the key's lock (if any) is released
    /// once the entry is on disk, so a run waiting on it reads the new entry.
    private func fetchAndStore(_ key: String, _ seal: CacheSeal?, lock: (any CacheTierLock)?,
                               _ fetch: @Sendable () async throws -> [JSONValue]) async throws -> [JSONValue] {
        missCount.add(1, ordering: .relaxed)
        let items: [JSONValue]
        do { items = try await fetch() } catch {
            await release(lock)
            throw error
        }
        // Not kept in memory: no run reads one key twice, and every listing of a cold run kept
        // until exit would make gt-current's memory grow with the fleet (docs/streams.md, "Order").
        guard let directory = activeTier, let seal else {
            await release(lock)
            return items
        }
        // Back-pressure: a disk slower than the network must not pile up descriptors.
        await writeSlots.acquire()
        pendingWrites.enter()
        let writer = writers[Int(nextWriter.wrappingAdd(1, ordering: .relaxed).oldValue % UInt(writers.count))]
        writer.async { [self] in
            defer {
                lock?.release()
                writeSlots.release()
                pendingWrites.leave()
            }
            let entry: JSONValue = ["key": .string(key), "stored_at": .double(Self.now()), "items": .array(items)]
            var bytes: [UInt8] = []
            entry.write(to: &bytes)
            guard let sealed = seal.seal(bytes, entry: key) else {
                writeProblems.withLock { $0.append("cache entry \(key) could not be sealed; not stored") }
                return
            }
            guard activeTier != nil else { return }
            do { try directory.write(key, sealed, seconds: ttl.seconds(for: key)) } catch { tierFailed(error) }
        }
        return items
    }

    private func lookup(_ key: String, _ seal: CacheSeal?) async -> [JSONValue]? {
        if let value = memory.withLock({ $0[key] }) { return value.arrayValue }
        guard let seal, let sealed = await readSecondTier(key), let bytes = seal.open(sealed, entry: key),
              let entry = try? JSONValue(parsing: bytes),
              entry["key"]?.stringValue == key,
              let storedAt = entry["stored_at"].flatMap(Self.seconds),
              Self.now() - storedAt < ttl.seconds(for: key),
              let items = entry["items"]?.arrayValue
        else { return nil }
        // Not promoted to memory: no run reads one key twice, and 20,000 listings kept until
        // exit would only have to be freed.
        return items
    }

    private func readSecondTier(_ key: String) async -> [UInt8]? {
        if let value = prefetched.withLock({ $0.removeValue(forKey: key) }) { return value }
        guard let tier = activeTier else { return nil }
        do { return try await onIO { try tier.read(key) } } catch {
            tierFailed(error)
            return nil
        }
    }

    /// Waits for the key's lock without blocking a thread of the cooperative pool, at most the
    /// tier's `lockWaitLimit`; nil after that (or when the tier failed): fetch without it.
    private func acquire(_ key: String, in directory: any CacheTier) async throws -> (any CacheTierLock)? {
        var delay: UInt64 = 2_000_000
        let started = Self.now()
        while true {
            do {
                if let lock = try await onIO({ try directory.tryLock(key) }) { return lock }
            } catch let error as CacheTierUnavailable {
                tierFailed(error)
                return nil
            }
            if Self.now() - started > directory.lockWaitLimit { return nil }
            try await Task.sleep(nanoseconds: delay)
            delay = min(delay * 2, 50_000_000)
        }
    }

    private static func seconds(_ value: JSONValue) -> Double? {
        switch value {
        case .double(let d): d
        case .int(let i): Double(i)
        default: nil
        }
    }

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
