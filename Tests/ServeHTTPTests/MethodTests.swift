import GTStreams
import GTTestSupport
import Hummingbird
import ServeHTTP
import XCTest

private let path = ServeHarness.path

/// A known path asked with a method it does not serve is 405 with `Allow` and FastAPI's body;
/// an unknown path stays 404. The token check still comes first on every path but the three
/// operational ones.
final class MethodTests: SimulatorTestCase {
    func testAWrongMethodOnAKnownPathIs405WithAllow() async throws {
        let harness = try await ServeHarness.make(for: self)
        let token = harness.token()
        let cases: [(HTTPRequest.Method, String, String)] = [
            (.delete, path, "POST"), (.put, path, "POST"), (.get, path, "POST"), (.patch, path, "POST"),
            (.post, "\(path)/some-id", "GET"), (.delete, "\(path)/some-id", "GET"),
            (.post, "/health", "GET"), (.delete, "/metrics", "GET"), (.put, "/openapi.json", "GET"),
            (HTTPRequest.Method("PURGE")!, path, "POST"),
        ]
        try await harness.test(harness.runner()) { client in
            for (method, uri, allow) in cases {
                let response = try await client.send(method, uri, token: token)
                XCTAssertEqual(response.status.code, 405, "\(method) \(uri): \(response.text)")
                XCTAssertEqual(response.headers[.allow], allow, "\(method) \(uri)")
                XCTAssertEqual(response.json, ["detail": "Method Not Allowed"], "\(method) \(uri)")
            }
            for (method, uri) in [(HTTPRequest.Method.get, "/nowhere"), (.delete, "/nowhere"), (.post, "\(path)/a/b"), (.get, "/api/v1")] {
                let response = try await client.send(method, uri, token: token)
                XCTAssertEqual(response.status.code, 404, "\(method) \(uri)")
                XCTAssertEqual(response.json, ["detail": "Not Found"], "\(method) \(uri)")
                XCTAssertNil(response.headers[.allow])
            }
            // Without a token an /api/ path is 401 whatever the method, as any path but the open three.
            let unsigned = try await client.send(.delete, path, token: nil)
            XCTAssertEqual(unsigned.status.code, 401)
        }
        let access = harness.log.parsed.filter { $0["event"] == "access" }
        XCTAssertEqual(access.first?["status"], 405)
        let requests = try await harness.sim.requestLog().requests
        XCTAssertEqual(requests.count, 0)
    }

    /// Every route the router serves answers its own method (not 404 or 405): the table of
    /// known routes that 405 reads is the router's.
    func testEveryKnownRouteIsServed() async throws {
        let harness = try await ServeHarness.make(for: self)
        let token = harness.token()
        try await harness.test(harness.runner()) { client in
            for (method, uri) in [(HTTPRequest.Method.post, path), (.get, "\(path)/x"), (.get, "/health"), (.get, "/metrics"),
                                  (.get, "/openapi.json")] {
                let response = try await client.send(method, uri, token: token, json: method == .post ? ["instances": []] : nil)
                XCTAssertFalse([404, 405].contains(response.status.code) && response.json?["detail"] != "Task not found",
                               "\(method) \(uri): \(response.status.code) \(response.text)")
            }
        }
    }
}
