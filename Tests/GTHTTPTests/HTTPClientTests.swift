import Foundation
import XCTest
@testable import GTStreams
import GTTestSupport
@testable import GTHTTP

/// The libcurl layer against the simulator over real HTTP; the simulator's request log is the
/// witness (connections, timestamps, requests in flight), never the wall clock here.
final class HTTPClientTests: SimulatorTestCase {
    private var sim: Simulator!

    override func setUp() async throws {
        sim = try await startSimulatorWithOneProject()
    }

    private func client(concurrency: Int = 4, retries: Int = 3, timeoutMs: Int = 5_000) -> HTTPClient {
        HTTPClient(transport: HTTPTransport(maxConcurrent: concurrency),
                   retry: RetryPolicy(maxRetries: retries, baseDelay: 0.01, maxDelay: 0.05))
    }

    private func get(_ path: String, timeoutMs: Int = 5_000) -> HTTPRequest {
        HTTPRequest(method: .get, url: sim.baseURL + path, headers: [("Authorization", "Bearer sim-token")],
                    timeoutMilliseconds: timeoutMs)
    }

    private let orgs = "/api/0/organizations/"

    func testSequentialRequestsReuseOneConnection() async throws {
        let http = client()
        for _ in 0..<100 {
            let (json, _) = try await http.sendExpectingJSON(get(orgs))
            XCTAssertEqual(json.arrayValue?.count, 1)
        }
        let log = try await sim.requestLog()
        XCTAssertEqual(log.requests.count, 100)
        XCTAssertEqual(log.connections, 1)
        XCTAssertEqual(http.counters.requests, 100)
    }

    func testConcurrencyBoundIsReachedAndNeverExceeded() async throws {
        try await sim.config(["latency_ms": 50])
        let http = client(concurrency: 8)
        let request = get(orgs)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<64 { group.addTask { try await http.send(request).status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(statuses, Array(repeating: 200, count: 64))
        let log = try await sim.requestLog()
        XCTAssertEqual(log.requests.count, 64)
        XCTAssertEqual(log.peakInFlight, 8)
        XCTAssertLessThanOrEqual(log.connections, 8)
    }

    func testRetriesA503() async throws {
        try await sim.faults([["method": "GET", "path": .string(orgs), "nth": 1, "action": "status", "status": 503]])
        let http = client()
        let (json, _) = try await http.sendExpectingJSON(get(orgs))
        XCTAssertEqual(json.arrayValue?.count, 1)
        let log = try await sim.requestLog()
        XCTAssertEqual(log.requests.map { $0["status"]?.intValue }, [503, 200])
        XCTAssertEqual(http.counters.retries, 1)
    }

    func testRetryAfterIsHonoured() async throws {
        try await sim.faults([["method": "GET", "path": .string(orgs), "nth": 1, "action": "status", "status": 429,
                               "content_type": "application/json", "body": #"{"detail":"slow down"}"#, "retry_after": 1]])
        let http = client()
        let response = try await http.send(get(orgs))
        XCTAssertEqual(response.status, 200)
        let log = try await sim.requestLog()
        XCTAssertEqual(log.requests.count, 2)
        // The server's monotonic clock, from before the 429 went out to the retry's arrival.
        let answered = try XCTUnwrap(log.requests[0]["answered"]?.number)
        let retried = try XCTUnwrap(log.requests[1]["received"]?.number)
        XCTAssertGreaterThanOrEqual(retried - answered, 1.0, "the retry came before Retry-After")
    }

    func testAPOSTIsNeverRetried() async throws {
        let path = "/api/0/projects/acme/api/alerts/"
        try await sim.faults([["method": "POST", "path": .string(path), "action": "status", "status": 503, "times": 0]])
        let http = client(retries: 5)
        let request = HTTPRequest(method: .post, url: sim.baseURL + path,
                                  headers: [("Authorization", "Bearer sim-token"), ("Content-Type", "application/json")],
                                  body: Array(#"{"name":"x"}"#.utf8))
        do {
            _ = try await http.sendExpectingJSON(request)
            XCTFail("a 503 was accepted")
        } catch {
            XCTAssertEqual(error.status, 503)
            XCTAssertTrue(error.isAmbiguous)
        }
        let log = try await sim.requestLog()
        XCTAssertEqual(log.matching("POST").count, 1)
        XCTAssertEqual(http.counters.retries, 0)
    }

    func testReadTimeoutFiresAndIsRetriedThenReported() async throws {
        try await sim.faults([["method": "GET", "path": .string(orgs), "action": "slow_body", "delay_ms": 2000, "times": 0]])
        let http = client(retries: 2)
        do {
            _ = try await http.send(get(orgs, timeoutMs: 300))
            XCTFail("a slow body did not time out")
        } catch {
            guard case .transport(let code, let message, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(code, 28, message)
            XCTAssertTrue("\(error)".hasPrefix("http://127.0.0.1:\(sim.port)/api/0/organizations/: "), "\(error)")
        }
        let log = try await sim.requestLog()
        XCTAssertEqual(log.matching("GET", orgs).count, 3)  // 1 + max_retries
    }

    func testResetAndTruncatedBodiesAreRetried() async throws {
        try await sim.faults([
            ["method": "GET", "path": .string(orgs), "nth": 1, "action": "reset"],
            ["method": "GET", "path": .string(orgs), "nth": 2, "action": "truncate"],
        ])
        let http = client()
        let (json, _) = try await http.sendExpectingJSON(get(orgs))
        XCTAssertEqual(json.arrayValue?.count, 1)
        XCTAssertEqual(http.counters.retries, 2)
    }

    func testTruncatedBodyIsAnErrorWhenRetriesRunOut() async throws {
        try await sim.faults([["method": "GET", "path": .string(orgs), "action": "truncate", "times": 0]])
        do {
            _ = try await client(retries: 1).sendExpectingJSON(get(orgs))
            XCTFail("a truncated body was accepted")
        } catch {
            guard case .transport(let code, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(code, 18)  // CURLE_PARTIAL_FILE
        }
    }

    func testHTML200IsReportedAsAnError() async throws {
        try await sim.faults([["method": "GET", "path": .string(orgs), "action": "html200"]])
        do {
            _ = try await client().sendExpectingJSON(get(orgs))
            XCTFail("HTML was accepted as JSON")
        } catch {
            XCTAssertEqual("\(error)",
                           "http://127.0.0.1:\(sim.port)/api/0/organizations/: expected JSON, got text/html; charset=utf-8 (HTTP 200)")
        }
    }

    func testConnectionRefusedIsATransportError() async throws {
        let port = sim.port
        sim.stop()
        do {
            _ = try await client(retries: 1).send(get(orgs))
            XCTFail("no error from a stopped server")
        } catch {
            guard case .transport(let code, _, let url) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(code, 7)
            XCTAssertEqual(url.description, "http://127.0.0.1:\(port)/api/0/organizations/")
        }
    }

    func testRedactedURLsDropQueryAndUserinfo() {
        let url = "https://user:secret@Hooks.example.com:8443/services/T0?token=s3cr3t#frag"
        XCTAssertEqual(RedactedURL(url).description, "https://Hooks.example.com:8443/services/T0")
        XCTAssertEqual(RedactedURL.display(url), "https://…@Hooks.example.com:8443/services/…?…")
        XCTAssertEqual(RedactedURL.display("https://x.example/a"), "https://x.example/a")
        XCTAssertEqual(RedactedURL("not a url").description, "<invalid URL>")
        XCTAssertEqual(URLParts("HTTPS://Example.com/x").origin, "https://example.com:443")
        XCTAssertEqual(URLParts("http://127.0.0.1:8080/").origin, "http://127.0.0.1:8080")
    }
}
