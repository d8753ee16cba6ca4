import CCurl
import Foundation
import XCTest
@testable import GTStreams
import GTTestSupport
@testable import GTHTTP

/// The transport's lifecycle (docs/architecture.md, "Concurrency"): an explicit async
/// shutdown, cancellation that takes a transfer out of the queue or off the wire, every
/// `CURLMcode` an error, and no cancellation swallowed by a retry wait.
final class TransportLifecycleTests: SimulatorTestCase {
    private var sim: Simulator!
    private let orgs = "/api/0/organizations/"

    override func setUp() async throws {
        sim = try await startSimulatorWithOneProject()
    }

    private func request(_ timeoutMilliseconds: Int = 60_000) -> HTTPRequest {
        HTTPRequest(method: .get, url: sim.baseURL + orgs, headers: [("Authorization", "Bearer sim-token")],
                    timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Waits (polling the simulator, generous bound) until it has seen `count` GETs.
    private func waitForGETs(_ count: Int) async throws {
        let seen = try await eventually(within: 30) { try await self.sim.requestLog().matching("GET").count >= count }
        XCTAssertTrue(seen, "the simulator never saw \(count) GET(s)")
    }

    /// One slot; the running request waits 30 s in the simulator, a second one waits in the
    /// queue. Cancelling both answers both at once; the queued one never reaches the server,
    /// and the slot is free again: a third request reaches the server while the cancelled one is
    /// still unanswered (the simulator's log, one clock), so it did not wait for that slot.
    func testCancellingTakesATransferOutOfTheQueueAndOffTheWire() async throws {
        try await sim.config(["latency_ms": 30_000])
        let transport = HTTPTransport(maxConcurrent: 1)
        let get = request()
        let running = Task { await transport.perform(get) }
        try await waitForGETs(1)
        let queued = Task { await transport.perform(get) }
        let waiting = try await eventually(within: 30) { transport.waitingCount == 1 }
        XCTAssertTrue(waiting, "the second request never waited for the slot")
        queued.cancel()
        guard case .failure(.cancelled) = await queued.value else { return XCTFail("the queued request was not cancelled") }
        running.cancel()
        guard case .failure(.cancelled) = await running.value else { return XCTFail("the running request was not cancelled") }

        try await sim.config(["latency_ms": 0])
        guard case .success(let response) = await transport.perform(request()) else { return XCTFail("the next request failed") }
        XCTAssertEqual(response.status, 200)
        // The queued request never reached the server: two GETs, the cancelled one and the last.
        let gets = try await sim.requestLog().matching("GET")
        XCTAssertEqual(gets.count, 2)
        let cancelledAnswer = gets.first?["answered"]?.number ?? .infinity  // null: not answered yet
        let next = try XCTUnwrap(gets.last?["received"]?.number)
        XCTAssertLessThan(next, cancelledAnswer, "the cancelled transfer kept its slot")
        await transport.shutdown()
    }

    /// A task cancelled before it asks is answered at once, without a request.
    func testAnAlreadyCancelledTaskSendsNothing() async throws {
        let transport = HTTPTransport(maxConcurrent: 1)
        let get = request()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await transport.perform(get)
        }
        guard case .failure(.cancelled) = await task.value else { return XCTFail("not cancelled") }
        let gets = try await sim.requestLog().matching("GET").count
        XCTAssertEqual(gets, 0)
        await transport.shutdown()
    }

    /// A retry wait that is cancelled ends the retries: `try? await Task.sleep` would have gone
    /// on to the next attempt.
    func testACancelledRetryWaitIsNotSwallowed() async throws {
        try await sim.faults([["method": "GET", "path": .string(orgs), "action": "status", "status": 429, "times": 0,
                               "content_type": "application/json", "body": #"{"detail":"slow down"}"#,
                               "retry_after": .double(20)]])
        let http = HTTPClient(transport: HTTPTransport(maxConcurrent: 1), retry: RetryPolicy(maxRetries: 2))
        let get = request()
        let send = Task { try await http.send(get) }
        try await waitForGETs(1)
        send.cancel()
        let result = await send.result
        if case .failure(let error) = result, case .cancelled? = error as? HTTPError {} else {
            XCTFail("expected cancelled, got \(result)")
        }
        let gets = try await sim.requestLog().matching("GET").count
        XCTAssertEqual(gets, 1)
        await http.transport.shutdown()
    }

    /// After `shutdown()` the transfer thread has exited (its /proc/self/task entry is gone)
    /// and a request fails at once; a second shutdown is harmless.
    func testShutdownEndsTheTransferThread() async throws {
        let transport = HTTPTransport(maxConcurrent: 2)
        guard case .success = await transport.perform(request()) else { return XCTFail("request failed") }
        XCTAssertTrue(transport.hasThread)
        let tid = try XCTUnwrap(transport.threadID)
        XCTAssertTrue(FileManager.default.fileExists(atPath: "/proc/self/task/\(tid)"))
        await transport.shutdown()
        XCTAssertFalse(transport.hasThread)
        // The thread returns right after freeing libcurl's handles; the kernel reaps it after.
        let gone = try await eventually(within: 30) { !FileManager.default.fileExists(atPath: "/proc/self/task/\(tid)") }
        XCTAssertTrue(gone, "the transfer thread is still there")
        guard case .failure(.invalidRequest(let reason)) = await transport.perform(request()) else {
            return XCTFail("a request after shutdown did not fail")
        }
        XCTAssertTrue(reason.contains("shut down"), reason)
        await transport.shutdown()
    }

    /// Every `CURLMcode` becomes an error naming the call: adding one easy handle twice is
    /// CURLM_ADDED_ALREADY, a real failure of the multi interface.
    func testCURLMcodesBecomeErrors() throws {
        XCTAssertThrowsError(try CurlMulti.check(CURLM_BAD_HANDLE, "curl_multi_perform")) { error in
            guard case .multi(let code, let call, _)? = error as? HTTPError else { return XCTFail("\(error)") }
            XCTAssertEqual(code, Int(CURLM_BAD_HANDLE.rawValue))
            XCTAssertEqual(call, "curl_multi_perform")
            XCTAssertEqual("\(error)", "curl_multi_perform failed: Invalid multi handle (CURLMcode 1)")
            XCTAssertTrue((error as? HTTPError)?.isAmbiguous ?? false)
        }
        let multi = try CurlMulti()
        let easy = try CurlEasy()
        try easy.prepare(request())
        try multi.add(easy)
        XCTAssertThrowsError(try multi.add(easy)) { error in
            guard case .multi(let code, "curl_multi_add_handle", _)? = error as? HTTPError else { return XCTFail("\(error)") }
            XCTAssertEqual(code, Int(CURLM_ADDED_ALREADY.rawValue))
        }
        try multi.remove(easy)
    }
}
