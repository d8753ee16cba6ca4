import Foundation

/// Polls `condition` every 50 ms until it holds, for at most `seconds`: how a test waits for
/// something it can observe (a request in the simulator's log, a file, a signal mask) instead
/// of sleeping for a guessed time. The deadline only ends a wait that will never succeed, so
/// it is generous; returns whether the condition held.
public func eventually(within seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(nanoseconds: 50_000_000)
    }
    return try await condition()
}
