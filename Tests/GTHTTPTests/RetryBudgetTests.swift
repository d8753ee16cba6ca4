import Foundation
import XCTest
@testable import GTStreams
import GTTestSupport
@testable import GTHTTP

/// The waits between a request's attempts add up to at most its timeout × the retries
/// (docs/safety.md, "Retry waits are bounded"): a server's `Retry-After` must not stretch a
/// run past the instance's budget unnoticed. The simulator's request log counts the attempts;
/// nothing here measures time.
final class RetryBudgetTests: SimulatorTestCase {
    private var sim: Simulator!
    private let orgs = "/api/0/organizations/"

    override func setUp() async throws {
        sim = try await startSimulatorWithOneProject()
    }

    /// Every GET answered 429 with `Retry-After: seconds`; the client has 1 s timeout × 2 retries.
    private func attempts(retryAfter: Double) async throws -> (status: Int, requests: Int) {
        try await sim.faults([["method": "GET", "path": .string(orgs), "action": "status", "status": 429, "times": 0,
                               "content_type": "application/json", "body": #"{"detail":"slow down"}"#,
                               "retry_after": .double(retryAfter)]])
        let http = HTTPClient(transport: HTTPTransport(maxConcurrent: 1),
                              retry: RetryPolicy(maxRetries: 2, baseDelay: 0.01, maxDelay: 0.05))
        let request = HTTPRequest(method: .get, url: sim.baseURL + orgs, headers: [("Authorization", "Bearer sim-token")],
                                  timeoutMilliseconds: 1_000)
        XCTAssertEqual(RetryPolicy(maxRetries: 2).waitBudget(timeoutMilliseconds: 1_000), 2)
        let response = try await http.send(request)
        return (response.status, try await sim.requestLog().matching("GET").count)
    }

    func testARetryAfterLongerThanTheWholeBudgetIsNotWaitedFor() async throws {
        let result = try await attempts(retryAfter: 3)
        XCTAssertEqual(result.status, 429, "the server's answer is what the caller sees")
        XCTAssertEqual(result.requests, 1)
    }

    func testRetryAfterWaitsAddUpToTheBudgetAtMost() async throws {
        // 1.5 s fits in the 2 s budget once; a second 1.5 s wait would not.
        let result = try await attempts(retryAfter: 1.5)
        XCTAssertEqual(result.status, 429)
        XCTAssertEqual(result.requests, 2)
    }

    func testBackoffWithinTheBudgetStillRetriesEveryTime() async throws {
        let result = try await attempts(retryAfter: 0.2)
        XCTAssertEqual(result.requests, 3)
    }
}
