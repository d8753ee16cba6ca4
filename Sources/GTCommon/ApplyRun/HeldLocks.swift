import ApplyCore
import GTStreams
import Synchronization
import GTCache

/// The locks a `gt-apply --no-dry-run` took: its file locks and, with a shared cache, its shared
/// run locks. Asked before every change whether each one is still held (docs/safety.md, "Every
/// change is made under a lock known to be held"); once one is not, no further change is made.
final class HeldLocks: Sendable {
    let file: RunLock
    let shared: RedisRunLock?
    private let lost = Mutex<String?>(nil)

    init(file: RunLock, shared: RedisRunLock?) {
        self.file = file
        self.shared = shared
    }

    /// Makes the shared locks' lease cover the longest request a change to one of `instances`
    /// may take: each attempt within `readTimeout`, `maxRetries` retries, and waits between them
    /// of at most `readTimeout` × `maxRetries` (docs/safety.md, "Retry waits are bounded"), as
    /// `GlitchTipConnector` sets them up.
    func cover(_ instances: [(name: String, record: InstanceRecord)]) throws {
        guard let shared else { return }
        for (name, record) in instances {
            let timeout = Double(max(1, record.readTimeout))
            let seconds = timeout * Double(2 * min(max(0, record.maxRetries), 1 << 20) + 1)
            do { try shared.cover(requestMilliseconds: Int(min(seconds, 3e6) * 1000)) } catch {
                throw ApplyReport.Problem("""
                    instance '\(name)': readTimeout \(record.readTimeout) s with maxRetries \(record.maxRetries): \(error); \
                    lower them in App-Interface
                    """)
            }
        }
    }

    /// Before a change: nil while every lock is held; else why the change is not made.
    func mayMutate() async -> String? {
        if let reason = lost.withLock({ $0 }) { return reason }
        let reason: String
        if let problem = file.stillHeld() {
            reason = "not applied: \(problem)"
        } else if let problem = await shared?.check() {
            reason = "not applied: \(problem); other hosts can no longer be excluded"
        } else {
            return nil
        }
        return lost.withLock { lost in
            lost = lost ?? reason
            return lost
        }
    }
}

/// The shared run lock (README "Running on many hosts"), beside the file lock.
extension HeldLocks {
    /// Every instance's shared lock, or nil with the report marked `skipped`/`duplicate_task`, or
    /// refused (a key no run of gt would leave). A server that cannot be reached, or cannot run
    /// the lock scripts, throws: other hosts cannot be excluded, nothing is applied.
    static func takeShared(_ redis: RedisClient, _ plan: ApplyPlan, milliseconds: Int, _ report: inout ApplyReport) async throws -> RedisRunLock? {
        do {
            switch try await RedisRunLock.acquire(redis, instances: plan.lockedInstances, milliseconds: milliseconds,
                                            staleAfterSeconds: Int(RunLock.staleAfter)) {
            case .acquired(let held): return held
            case .busy:
                report.skip(reason: "duplicate_task")
                return nil
            case .refused(let reason):
                report.refuse("\(reason); nothing applied")
                return nil
            }
        } catch {
            throw ApplyReport.Problem("""
                cannot take the shared run lock (\(error)): runs on other hosts cannot be excluded; \
                --file-locks-only applies with this host's lock only
                """)
        }
    }
}
