import Foundation
import GTGlitchTip
import GTStreams
import GTTestSupport
import Synchronization
import XCTest
import GTCache

/// A monotonic clock a test moves by hand: `step` is added after every reading, so a check (one
/// reading as it is sent, one when the answer is in) takes `step`.
final class HandClock: Sendable {
    private let state = Mutex<(now: Duration, step: Duration)>((.seconds(1000), .zero))
    func now() -> Duration { state.withLock { value in defer { value.now += value.step }; return value.now } }
    func advance(_ by: Duration) { state.withLock { $0.now += by } }
    func step(_ by: Duration) { state.withLock { $0.step = by } }
}

/// `RedisRunLock` in process, on a real redis-server (docs/safety.md, "Every change is made under
/// a lock known to be held"): the check before a change asks the server for every key in one
/// round trip and extends them; a key gone, flushed or taken, a lease that lapsed while the
/// process did not run, or an answer too late to cover the next request, each stop the run for
/// good. And a server that cannot run the lock scripts is refused before any lock is taken.
final class RedisRunLockLeaseTests: SimulatorTestCase {
    private var redis: RedisServer!

    private func lock(_ instances: [String], milliseconds: Int = 60_000, clock: HandClock = HandClock()) throws -> (RedisRunLock, RedisClient) {
        if redis == nil { redis = try startRedis(in: scratchDirectory()) }
        let client = RedisClient(url: try RedisURL(parsing: redis.url()))
        guard case .acquired(let lock) = try RedisRunLock.acquire(client, instances: instances, milliseconds: milliseconds,
                                                                 clock: clock.now) else {
            throw XCTSkip("could not take free locks")
        }
        return (lock, client)
    }

    private func pttl(_ instance: String) throws -> Int {
        Int(try redis.cli(["PTTL", RedisRunLock.key(instance: instance)]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -100
    }

    func testTheTokenNamesTheRunItsHostAndItsStartTime() throws {
        let before = Int(Date().timeIntervalSince1970)
        let (lock, _) = try lock(["a"])
        defer { _ = lock.release() }
        let value = String(decoding: try XCTUnwrap(redis.value(RedisRunLock.key(instance: "a"))), as: UTF8.self)
        let pattern = try NSRegularExpression(pattern: "^[0-9a-f]{32} pid \(getpid()) on .+ since ([0-9]+)$")
        let match = try XCTUnwrap(pattern.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)), value)
        let since = Int(value[Range(match.range(at: 1), in: value)!])!
        XCTAssertTrue((before...before + 60).contains(since), value)
    }

    func testTheCheckExtendsEveryKeyAndStopsForGoodOnceOneIsGone() throws {
        let (lock, _) = try lock(["a", "b"])
        defer { _ = lock.release() }
        try lock.cover(requestMilliseconds: 1000)
        try redis.cli(["PEXPIRE", RedisRunLock.key(instance: "a"), "5000"])
        XCTAssertNil(lock.check())
        XCTAssertGreaterThan(try pttl("a"), 50_000, "not extended")
        try redis.cli(["DEL", RedisRunLock.key(instance: "b")])
        let reason = try XCTUnwrap(lock.check())
        XCTAssertTrue(reason.contains("the shared run lock glitchtip:b:apply-lock is no longer held by this run"), reason)
        XCTAssertEqual(lock.check(), reason, "a lost lock is lost for the rest of the run")
        XCTAssertEqual(lock.lost, reason)
    }

    func testAFlushedServerAndAKeyTakenByAnotherRunAreNoticed() throws {
        let (flushed, _) = try lock(["a"])
        try redis.cli(["FLUSHDB"])
        XCTAssertTrue(flushed.check()?.contains("glitchtip:a:apply-lock is no longer held by this run") == true)
        _ = flushed.release()

        let (taken, _) = try lock(["c"])
        try redis.cli(["SET", RedisRunLock.key(instance: "c"), "0123456789abcdef0123456789abcdef pid 4242 on host-z since 1700000000"])
        let reason = try XCTUnwrap(taken.check())
        XCTAssertTrue(reason.contains("is now held by another run (pid 4242 on host-z since 2023-11-14T22:13:20Z)"), reason)
        XCTAssertFalse(reason.contains("0123456789abcdef"), "another run's token printed")
        XCTAssertNil(taken.release(), "release must not fail, nor delete the other's lock")
        XCTAssertNotNil(try redis.value(RedisRunLock.key(instance: "c")))
    }

    /// A process stopped past its lease (SIGSTOP, a frozen VM) knows on waking, before it asks:
    /// with the server gone, the reason is the lease, not the server.
    func testALeaseThatLapsedWhileTheProcessDidNotRunFailsBeforeAsking() throws {
        let clock = HandClock()
        let (lock, _) = try lock(["a"], milliseconds: 10_000, clock: clock)
        try lock.cover(requestMilliseconds: 1000)
        XCTAssertNil(lock.check())
        clock.advance(.seconds(11))
        redis.stop()
        let reason = try XCTUnwrap(lock.check())
        XCTAssertTrue(reason.contains("this run's lease on its shared run locks lapsed 1.0 s ago"), reason)
    }

    /// An answer that took so long that what is left of the lease no longer covers the next
    /// request is not trusted, though the server said the lock is held.
    func testAnAnswerTooLateToCoverTheNextRequestIsNotTrusted() throws {
        let clock = HandClock()
        let (lock, _) = try lock(["a"], milliseconds: 10_000, clock: clock)
        try lock.cover(requestMilliseconds: 5000)
        XCTAssertNil(lock.check())
        clock.step(.seconds(5))  // 5 s + the 5 s request + 1 s margin > 10 s
        let reason = try XCTUnwrap(lock.check())
        XCTAssertTrue(reason.contains("the lock server's answer came 5.0 s after the check was sent"), reason)
    }

    /// The lifetime grows to cover the longest request (never shortened by a check), and a
    /// request longer than a day is refused.
    func testTheLifetimeCoversTheLongestRequest() throws {
        let (lock, _) = try lock(["a"], milliseconds: 2000)
        defer { _ = lock.release() }
        try lock.cover(requestMilliseconds: 30_000)
        XCTAssertNil(lock.check())
        XCTAssertGreaterThan(try pttl("a"), 30_000)
        XCTAssertThrowsError(try lock.cover(requestMilliseconds: 90_000_000)) { error in
            XCTAssertTrue("\(error)".contains("over 86400 s"), "\(error)")
        }
    }

    func testAServerWithoutEVALIsRefusedBeforeAnyLockIsTaken() throws {
        redis = try startRedis(in: scratchDirectory(), configuration: ["--rename-command", "EVAL", ""])
        let client = RedisClient(url: try RedisURL(parsing: redis.url()))
        XCTAssertThrowsError(try RedisRunLock.acquire(client, instances: ["a"])) { error in
            XCTAssertTrue("\(error)".contains("EVAL"), "\(error)")
            XCTAssertTrue("\(error)".contains("renamed or disabled"), "\(error)")
        }
        XCTAssertEqual(try redis.keys(), [])
    }
}
