import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import GTStreams

/// The run lock shared between hosts (README "Running on many hosts"): one Redis key per
/// instance, `glitchtip:<instance>:apply-lock`, taken in sorted order with `SET NX PX` and a
/// token of this run's own (``RunLockHolder``), so two runs that share an instance exclude each
/// other whichever hosts they run on. Released by its owner only (a Lua compare-and-delete).
///
/// Before every change gt-apply asks ``check()`` (docs/safety.md, "Every change is made under a
/// lock known to be held"): one round trip that finds every key still this run's and extends
/// it, atomically, to live at least the ``lifetime``; and a lease kept on the monotonic clock (the
/// time each successful check was sent, plus the lifetime it asked for), so an answer that comes
/// too late, or a process that was stopped past its lease, is not trusted. Between changes the
/// keys are extended every third of the lifetime; once a check fails the run holds nothing.
/// Every round trip (taking, checking, extending, releasing) runs on the client's own queue and
/// is awaited off the cooperative pool (``RedisClient``); the blocking forms are for threads of
/// their own.
public final class RedisRunLock: Sendable {
    /// The lifetime unless `GT_RUN_LOCK_TTL` says otherwise: the reference's task lock, 600 s.
    public static let defaultMilliseconds = 600_000
    /// Added to the longest request: what the holder's and the server's clocks may disagree.
    static let marginMilliseconds = 1000
    /// Longer than this, a lock left by a killed run would block every run for too long.
    static let longestMilliseconds = 86_400_000

    public enum Outcome: Sendable {
        case acquired(RedisRunLock)
        /// Another live run holds this instance's lock; whatever this one took is released again.
        case busy(instance: String)
        /// A key no run of gt would leave (no expiry, a value gt did not write, a holder over the
        /// stale age): nothing taken; the text says who holds it, since when, and how to clear it.
        case refused(String)
    }

    public static func key(instance: String) -> String { "glitchtip:\(instance):apply-lock" }

    /// The lifetime from `GT_RUN_LOCK_TTL` (whole seconds, 1 to 3600), else the default: how long
    /// a run killed hard keeps other hosts out. Anything else is refused, naming the variable.
    public static func milliseconds(environment: [String: String]) throws -> Int {
        guard let text = environment["GT_RUN_LOCK_TTL"], !text.isEmpty else { return defaultMilliseconds }
        guard text.utf8.count <= 4, text.utf8.allSatisfy({ (48...57).contains($0) }), let seconds = Int(text),
              (1...3600).contains(seconds) else {
            let shown = String(text.unicodeScalars.prefix(24).map { $0.isASCII && $0.value >= 0x20 ? Character($0) : "?" })
            throw InvalidLifetime(description: """
                GT_RUN_LOCK_TTL='\(shown)\(text.unicodeScalars.count > 24 ? "…" : "")': the shared run lock's lifetime \
                must be a whole number of seconds from 1 to 3600
                """)
        }
        return seconds * 1000
    }

    public struct InvalidLifetime: Error, CustomStringConvertible { public let description: String }

    /// The monotonic clock the lease is kept on (it goes on while the machine sleeps, as the
    /// server's clock does).
    public static let monotonic: @Sendable () -> Duration = {
        var spec = timespec()
        clock_gettime(CLOCK_BOOTTIME, &spec)
        return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
    }

    private struct Lease {
        /// Every key is known to live until then (monotonic), unless something deletes it.
        var until: Duration
        /// The longest request a change may take (milliseconds), once known.
        var requestMilliseconds = 0
        var lost: String?
    }

    private let client: RedisClient
    private let keys: [String]
    private let token: String
    private let milliseconds: Int
    private let clock: @Sendable () -> Duration
    private let lease: Mutex<Lease>
    private let refresher = Mutex<Task<Void, Never>?>(nil)

    init(client: RedisClient, keys: [String], token: String, milliseconds: Int, clock: @escaping @Sendable () -> Duration,
                 until: Duration) {
        self.client = client
        self.keys = keys
        self.token = token
        self.milliseconds = milliseconds
        self.clock = clock
        lease = Mutex(Lease(until: until))
    }

    /// Why the run no longer holds its locks, if it does not.
    public var lost: String? { lease.withLock { $0.lost } }

    /// The longest request a change may take; the lifetime grows to cover it. Throws beyond a day.
    public func cover(requestMilliseconds: Int) throws {
        let wanted = max(0, requestMilliseconds)
        guard Self.lifetime(milliseconds, request: wanted, reply: replyMilliseconds) <= Self.longestMilliseconds else {
            throw RedisError(url: client.url, message: """
                a change may take up to \(wanted / 1000) s, over \(Self.longestMilliseconds / 1000) s: \
                the shared run lock cannot be kept that long
                """)
        }
        lease.withLock { $0.requestMilliseconds = max($0.requestMilliseconds, wanted) }
    }

    /// How long each check makes the keys live: the configured lifetime, or more when the
    /// longest request, the margin and a reply as slow as the client allows need more.
    static func lifetime(_ milliseconds: Int, request: Int, reply: Int) -> Int {
        max(milliseconds, request + marginMilliseconds + reply)
    }

    private var replyMilliseconds: Int { Int(min(max(client.timeout, 0), 3600) * 1000) }

    /// Before a change: nil when every key is still this run's and will outlive the longest
    /// request; else why not, for good. The round trip is awaited off the cooperative pool
    /// (``RedisClient``).
    public func check() async -> String? {
        do { return try await client.withSession { [self] in check(on: $0) } } catch {
            return fail("the shared run locks could not be checked: \(error)")
        }
    }

    /// ``check()`` on the calling thread, which waits for the answer: never from async code.
    @available(*, noasync, message: "blocks its thread until Redis answers: await the async form")
    public func check() -> String? {
        do { return try client.withSession { check(on: $0) } } catch {
            return fail("the shared run locks could not be checked: \(error)")
        }
    }

    /// The check itself, on the client's queue: the clock is read as the request leaves and as
    /// its answer is in.
    private func check(on session: RedisSession) -> String? {
        let sent = clock()
        let ask = lease.withLock { lease -> Ask in
            if let lost = lease.lost { return .lost(lost) }
            if sent >= lease.until {
                return .lost("""
                    this run's lease on its shared run locks lapsed \(Self.seconds(sent - lease.until)) s ago \
                    (the process was stopped or starved): another run may hold them now
                    """)
            }
            return .ask(lifetime: Self.lifetime(milliseconds, request: lease.requestMilliseconds, reply: replyMilliseconds),
                        request: lease.requestMilliseconds)
        }
        guard case .ask(let lifetime, let request) = ask else {
            if case .lost(let reason) = ask { return fail(reason) }
            return nil
        }
        let states: [RedisClient.LockState]
        do { states = try session.checkAndExtend(keys, token: token, milliseconds: lifetime) } catch {
            return fail("the shared run locks could not be checked: \(error)")
        }
        let answered = clock()
        for (key, state) in zip(keys, states) {
            switch state {
            case .held: continue
            case .gone:
                return fail("the shared run lock \(key) is no longer held by this run (deleted, flushed, evicted or expired): "
                            + "another run may hold it now")
            case .other(let value):
                let holder = RunLockHolder(value: value).map { "\($0)" } ?? "a value gt did not write"
                return fail("the shared run lock \(key) is now held by another run (\(holder))")
            case .refused(let text):
                return fail("the shared run lock \(key) could not be checked: \(text.prefix(200))")
            }
        }
        if answered - sent + .milliseconds(request + Self.marginMilliseconds) > .milliseconds(lifetime) {
            return fail("""
                the lock server's answer came \(Self.seconds(answered - sent)) s after the check was sent: too late \
                for the \(lifetime / 1000) s lease to cover the next request (up to \(request / 1000) s)
                """)
        }
        return lease.withLock { lease in
            lease.until = max(lease.until, sent + .milliseconds(lifetime))
            return lease.lost
        }
    }

    private enum Ask {
        case lost(String)
        case ask(lifetime: Int, request: Int)
    }

    /// Records the first reason the locks were lost, and returns it.
    private func fail(_ reason: String) -> String {
        lease.withLock { lease in
            lease.lost = lease.lost ?? reason
            return lease.lost!
        }
    }

    /// `1.5` for 1.5 s (tenths, rounded down).
    private static func seconds(_ duration: Duration) -> String {
        let tenths = max(0, duration.components.seconds * 10 + duration.components.attoseconds / 100_000_000_000_000_000)
        return "\(tenths / 10).\(tenths % 10)"
    }

    func startRefreshing() {
        let task = Task { [self] in
            while !Task.isCancelled {
                let lifetime = lease.withLock { Self.lifetime(milliseconds, request: $0.requestMilliseconds, reply: replyMilliseconds) }
                do { try await Task.sleep(nanoseconds: UInt64(lifetime / 3) * 1_000_000) } catch { return }
                if await check() != nil { return }
            }
        }
        refresher.withLock { $0 = task }
    }

    /// Stops extending and deletes the locks this run still owns; a problem as text, if any.
    public func release() async -> String? {
        refresher.withLock { $0?.cancel() }
        do { return try await client.withSession { [self] in release(on: $0) } } catch {
            return releaseProblem("\(error)")
        }
    }

    /// ``release()`` on the calling thread, which waits for the answers: never from async code.
    @available(*, noasync, message: "blocks its thread until Redis answers: await the async form")
    public func release() -> String? {
        refresher.withLock { $0?.cancel() }
        do { return try client.withSession { release(on: $0) } } catch {
            return releaseProblem("\(error)")
        }
    }

    private func release(on session: RedisSession) -> String? {
        var problems: [String] = []
        for key in keys.reversed() {
            do { _ = try session.unlock(key, token: token) } catch {
                problems.append(releaseProblem("\(error)", key: key))
            }
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    private func releaseProblem(_ error: String, key: String? = nil) -> String {
        let lifetime = lease.withLock { Self.lifetime(milliseconds, request: $0.requestMilliseconds, reply: replyMilliseconds) }
        return "the run lock \(key ?? keys.joined(separator: ", ")) could not be released (it expires within \(lifetime / 1000) s): \(error)"
    }
}
