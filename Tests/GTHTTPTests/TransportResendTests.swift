import Foundation
import XCTest
@testable import GTStreams
import GTTestSupport
@testable import GTHTTP

/// The transport never sends a POST twice by itself (docs/safety.md, "The transport never
/// resends"): libcurl retries a request whose reused keep-alive connection died before any
/// answer byte, which for a POST the server already acted on is a duplicate alert.
final class TransportResendTests: SimulatorTestCase {
    private var sim: Simulator!
    private let alerts = "/api/0/projects/acme/api/alerts/"

    override func setUp() async throws {
        sim = try await startSimulatorWithOneProject()
    }

    private func request(_ method: HTTPRequest.Method, body: String? = nil) -> HTTPRequest {
        HTTPRequest(method: method, url: sim.baseURL + alerts,
                    headers: [("Authorization", "Bearer sim-token"), ("Content-Type", "application/json")],
                    body: body.map { Array($0.utf8) })
    }

    func testAPOSTOnADeadReusedConnectionIsSentOnceAndReportedAsAmbiguous() async throws {
        // The server stores the alert, then drops the connection without a byte of answer.
        try await sim.faults([["method": "POST", "path": .string(alerts), "action": "reset_after"]])
        let http = HTTPClient(transport: HTTPTransport(maxConcurrent: 1),
                              retry: RetryPolicy(maxRetries: 3, baseDelay: 0.01, maxDelay: 0.05))
        // A GET first leaves a keep-alive connection for the POST to reuse.
        let listed = try await http.send(request(.get))
        XCTAssertEqual(listed.status, 200)
        do {
            let response = try await http.send(request(.post, body: #"{"name":"once"}"#))
            XCTFail("a POST whose connection was reset came back with HTTP \(response.status)")
        } catch {
            XCTAssertTrue(error.isAmbiguous, "\(error)")
        }
        let log = try await sim.requestLog()
        XCTAssertEqual(log.matching("POST").count, 1, "the transport sent the POST again")
        XCTAssertEqual(http.counters.retries, 0)
        let state = try await sim.admin(.get, "/__admin/state")
        let stored = state["organizations"]?.arrayValue?.first?["projects"]?.arrayValue?.first?["alerts"]?.arrayValue ?? []
        XCTAssertEqual(stored.compactMap { $0["name"]?.stringValue }, ["once"])
    }

    func testGETsStillShareOneConnection() async throws {
        let http = HTTPClient(transport: HTTPTransport(maxConcurrent: 1), retry: RetryPolicy(maxRetries: 0))
        for _ in 1...3 { _ = try await http.send(request(.get)) }
        let log = try await sim.requestLog()
        XCTAssertEqual(log.connections, 1)
    }
}
