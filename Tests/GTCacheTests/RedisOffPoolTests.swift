import Foundation
import GTCache
import GTStreams
import GTTestSupport
import Synchronization
import XCTest

/// hiredis blocks until a reply comes (up to the client's timeout); Swift's cooperative pool has
/// one thread per core. A Redis call must therefore wait on a thread of its own, as libcurl's
/// transfers do (docs/architecture.md, "Concurrency"): with a server that does not answer, one
/// blocked call per pool thread must still leave the pool free to run other tasks.
///
/// Each test stops redis-server (SIGSTOP), starts as many waiting calls as the pool has threads,
/// waits until the server's sockets hold every request (read from /proc/net/tcp: the requests
/// were sent and wait to be read), then starts one more task and records whether any call had
/// come back when it ran. A call that holds a pool thread lets that task run only once some call
/// failed by its timeout.
final class RedisOffPoolTests: SimulatorTestCase {
    private var redis: RedisServer!
    /// The cooperative pool's width on Linux: one thread per active core.
    private let width = ProcessInfo.processInfo.activeProcessorCount

    override func setUp() async throws {
        try await super.setUp()
        redis = try startRedis()
    }

    private func client() throws -> RedisClient { RedisClient(url: try RedisURL(parsing: redis.url()), timeout: 5) }

    private func stopServer() { kill(redis.process.processIdentifier, SIGSTOP) }
    private func resumeServer() { kill(redis.process.processIdentifier, SIGCONT) }

    /// Connections to the server whose requests wait in its socket, unread.
    private func unreadRequests() throws -> Int {
        let port = String(format: "%04X", redis.port)
        // Read to its end: the kernel hands the table out a page at a time.
        let table = String(decoding: try DirectoryListing.contents(of: "/proc/net/tcp"), as: UTF8.self)
        return table.split(separator: "\n").dropFirst().filter { line in
            let fields = line.split(separator: " ")
            guard fields.count > 4, fields[1].hasSuffix(":\(port)"), fields[3] == "01" else { return false }
            return (fields[4].split(separator: ":").last.flatMap { Int($0, radix: 16) } ?? 0) > 0
        }.count
    }

    private func waitForUnreadRequests(_ count: Int) throws {
        for _ in 0..<6000 {
            if try unreadRequests() >= count { return }
            usleep(10_000)
        }
        XCTFail("redis-server's sockets never held \(count) unread requests")
    }

    /// Starts one task on the cooperative pool and returns what `probe` said when it ran.
    private func runOnThePool<T: Sendable>(_ probe: @escaping @Sendable () -> T) -> T {
        let result = Mutex<T?>(nil)
        let ran = DispatchSemaphore(value: 0)
        Task {
            let value = probe()
            result.withLock { $0 = value }
            ran.signal()
        }
        ran.wait()
        return result.withLock { $0! }
    }

    func testARedisCallWaitsOffTheCooperativePool() throws {
        let clients = try (0..<width).map { _ in try client() }
        stopServer()
        let answered = Answers()
        let done = DispatchGroup()
        for client in clients {
            done.enter()
            Task {
                _ = try? await client.command(["PING"])
                answered.count.add(1, ordering: .relaxed)
                done.leave()
            }
        }
        try waitForUnreadRequests(width)
        let answeredMeanwhile = runOnThePool { answered.count.load(ordering: .relaxed) }
        XCTAssertEqual(answeredMeanwhile, 0, "a task waited for a pool thread until a Redis call gave up")
        resumeServer()
        done.wait()
    }

    /// A run's lock refresher (every third of the lifetime) waits for its answer off the pool too.
    func testLockRefreshingWaitsOffTheCooperativePool() throws {
        let locks = try (0..<width).map { index in
            guard case .acquired(let lock) = try RedisRunLock.acquire(try client(), instances: ["i\(index)"], milliseconds: 3000) else {
                throw XCTSkip("could not take a free lock")
            }
            return lock
        }
        defer { locks.forEach { _ = $0.release() } }
        stopServer()
        try waitForUnreadRequests(width)  // every refresher has sent its check
        let lostMeanwhile = runOnThePool { locks.compactMap(\.lost) }
        XCTAssertEqual(lostMeanwhile, [], "a task waited for a pool thread until a lock check gave up")
        resumeServer()
    }

    /// The shared cache tier's reads, behind `ListingCache`, wait off the pool too.
    func testACacheLookupWaitsOffTheCooperativePool() throws {
        let seal = try XCTUnwrap(CacheSeal(secret: "token"))
        let caches = try (0..<width).map { _ in ListingCache(tier: RedisCacheTier(client: try client()), ttl: CacheTTLs()) }
        stopServer()
        let answered = Answers()
        let done = DispatchGroup()
        for cache in caches {
            done.enter()
            Task {
                _ = try? await cache.value(for: "glitchtip:i:organizations", seal: seal) { [] }
                answered.count.add(1, ordering: .relaxed)
                done.leave()
            }
        }
        try waitForUnreadRequests(width)
        let answeredMeanwhile = runOnThePool { answered.count.load(ordering: .relaxed) }
        XCTAssertEqual(answeredMeanwhile, 0, "a task waited for a pool thread until a cache read gave up")
        resumeServer()
        done.wait()
    }
}

/// How many of the waiting calls came back.
private final class Answers: Sendable {
    let count = Atomic<Int>(0)
}
