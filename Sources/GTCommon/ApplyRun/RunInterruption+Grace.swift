extension RunInterruption {
    /// Runs `work` to its end, or, once the run is interrupted, for at most `grace` more
    /// (docs/streams.md, "interrupted"): the work against the grace period, in one task group.
    ///
    /// When the grace ends first, `expired` runs while the work's requests are still under way:
    /// gt-apply reports there and ends the process, leaving them behind (docs/architecture.md,
    /// "Concurrency"). A front end that returns from it gets the work cancelled and awaited.
    /// - Returns: true when the work ended (within the grace, or without a signal).
    func race(_ work: @escaping @Sendable () async -> Void, grace: Duration, expired: () async -> Void) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await work()
                return true
            }
            group.addTask { [self] in
                await interrupted()
                do { try await Task.sleep(for: grace) } catch { return true }  // cancelled: the work ended first
                return false
            }
            let ended = await group.next() ?? true
            if !ended { await expired() }
            group.cancelAll()
            return ended
        }
    }
}
