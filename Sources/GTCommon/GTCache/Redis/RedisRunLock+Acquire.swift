import GTStreams

extension RedisRunLock {
    /// Checks that the server runs the lock scripts (``probe(_:near:)``), then takes every
    /// instance's lock or none, and extends them until ``release()``. Throws when the server
    /// cannot be reached or cannot run the scripts. Every round trip is awaited off the
    /// cooperative pool (``RedisClient``).
    public static func acquire(_ client: RedisClient, instances: [String], milliseconds: Int = defaultMilliseconds,
                               staleAfterSeconds: Int = 600,
                               clock: @escaping @Sendable () -> Duration = monotonic) async throws -> Outcome {
        let outcome = try await client.withSession { session in
            try take(session, instances: instances, milliseconds: milliseconds, staleAfterSeconds: staleAfterSeconds, clock: clock)
        }
        if case .acquired(let lock) = outcome { lock.startRefreshing() }
        return outcome
    }

    /// ``acquire(_:instances:milliseconds:staleAfterSeconds:clock:)`` on the calling thread,
    /// which waits for the answers: never from async code.
    @available(*, noasync, message: "blocks its thread until Redis answers: await the async form")
    public static func acquire(_ client: RedisClient, instances: [String], milliseconds: Int = defaultMilliseconds,
                               staleAfterSeconds: Int = 600, clock: @escaping @Sendable () -> Duration = monotonic) throws -> Outcome {
        let outcome = try client.withSession { session in
            try take(session, instances: instances, milliseconds: milliseconds, staleAfterSeconds: staleAfterSeconds, clock: clock)
        }
        if case .acquired(let lock) = outcome { lock.startRefreshing() }
        return outcome
    }

    /// The probe, then every lock in sorted order, or none; on the client's queue.
    private static func take(_ session: RedisSession, instances: [String], milliseconds: Int, staleAfterSeconds: Int,
                             clock: @escaping @Sendable () -> Duration) throws -> Outcome {
        let sorted = Set(instances).sorted()
        if let first = sorted.first { try probe(session, near: key(instance: first)) }
        let token = RunLockHolder.token(since: RunLockHolder.wallClock())
        let sent = clock()
        var taken: [String] = []
        func giveBack() { for held in taken { _ = try? session.unlock(held, token: token) } }
        for instance in sorted {
            let key = key(instance: instance)
            do {
                if try session.tryLock(key, token: token, milliseconds: milliseconds) {
                    taken.append(key)
                    continue
                }
                let found = try ForeignHolder.inspect(session, key: key, staleAfterSeconds: staleAfterSeconds)
                giveBack()
                switch found {
                case .busy: return .busy(instance: instance)
                case .refused(let reason): return .refused(reason)
                }
            } catch {
                giveBack()
                throw error
            }
        }
        return .acquired(RedisRunLock(client: session.client, keys: taken, token: token, milliseconds: milliseconds, clock: clock,
                                      until: sent + .milliseconds(milliseconds)))
    }
}
