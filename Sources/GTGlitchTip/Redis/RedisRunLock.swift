import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import GTStreams

/// The run lock shared between hosts (README "Running on many hosts"): one Redis key per
/// instance, `glitchtip:<instance>:apply-lock`, taken in sorted order with `SET NX PX` and a
/// random token, so two runs that share an instance exclude each other whichever hosts they run
/// on. It lives 600 s (the reference's task lock) and is extended every 200 s while the run is
/// alive, so a run killed hard frees its instances within 600 s; it is released by its owner
/// only (a Lua compare-and-delete).
public final class RedisRunLock: Sendable {
    public static let defaultMilliseconds = 600_000

    public enum Outcome {
        case acquired(RedisRunLock)
        /// Another run holds this instance's lock; whatever this one took is released again.
        case busy(instance: String)
    }

    public static func key(instance: String) -> String { "glitchtip:\(instance):apply-lock" }

    private let client: RedisClient
    private let keys: [String]
    private let token: String
    private let milliseconds: Int
    private let lostReason = Mutex<String?>(nil)
    private let refresher = Mutex<Task<Void, Never>?>(nil)

    private init(client: RedisClient, keys: [String], token: String, milliseconds: Int) {
        self.client = client
        self.keys = keys
        self.token = token
        self.milliseconds = milliseconds
    }

    /// Takes every instance's lock or none; extends them every third of their lifetime until
    /// ``release()``. Throws when the server cannot be reached.
    public static func acquire(_ client: RedisClient, instances: [String],
                               milliseconds: Int = defaultMilliseconds) throws -> Outcome {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let hostName = String(decoding: host.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Random, so only this run can release or extend it; pid and host for whoever inspects it.
        let token = "\(RedisClient.randomToken()) pid \(getpid()) on \(hostName)"
        var taken: [String] = []
        for instance in Set(instances).sorted() {
            let key = key(instance: instance)
            let got: Bool
            do { got = try client.tryLock(key, token: token, milliseconds: milliseconds) } catch {
                for held in taken { _ = try? client.unlock(held, token: token) }
                throw error
            }
            guard got else {
                for held in taken { _ = try? client.unlock(held, token: token) }
                return .busy(instance: instance)
            }
            taken.append(key)
        }
        let lock = RedisRunLock(client: client, keys: taken, token: token, milliseconds: milliseconds)
        lock.startRefreshing()
        return .acquired(lock)
    }

    /// Why the run no longer holds its locks (the server failed, or a lock expired), if it does not.
    public var lost: String? { lostReason.withLock { $0 } }

    private func startRefreshing() {
        let task = Task { [self] in
            while !Task.isCancelled {
                do { try await Task.sleep(nanoseconds: UInt64(milliseconds / 3) * 1_000_000) } catch { return }
                for key in keys {
                    do {
                        if try !client.extend(key, token: token, milliseconds: milliseconds) {
                            lostReason.withLock { $0 = $0 ?? "the run lock \(key) expired and is no longer this run's" }
                        }
                    } catch {
                        lostReason.withLock { $0 = $0 ?? "the run lock \(key) could not be extended: \(error)" }
                    }
                }
            }
        }
        refresher.withLock { $0 = task }
    }

    /// Stops extending and deletes the locks this run still owns; a problem as text, if any.
    public func release() -> String? {
        refresher.withLock { $0?.cancel() }
        var problems: [String] = []
        for key in keys.reversed() {
            do { _ = try client.unlock(key, token: token) } catch {
                problems.append("the run lock \(key) could not be released (it expires within \(milliseconds / 1000) s): \(error)")
            }
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }
}
