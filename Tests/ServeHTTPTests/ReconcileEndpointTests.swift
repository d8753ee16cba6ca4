import Foundation
import GTStreams
import GTTestSupport
import Hummingbird
import ServeCore
import ServeHTTP
import XCTest


private let path = ServeHarness.path

/// The reference's two task endpoints in process: POST's 202, GET's result, 404, 408, and the
/// 422s for a body or a `timeout` out of range, with the reference's shapes.
final class ReconcileEndpointTests: SimulatorTestCase {
    func testAPostIsAcceptedWithItsIdPendingAndAnAbsoluteStatusURL() async throws {
        let harness = try await ServeHarness.make(for: self)
        let token = harness.token()
        let body = harness.body(Requests.myProject([Requests.alert("new-alert")]))
        try await harness.test(harness.runner()) { client in
            let response = try await client.send(.post, path, token: token, json: body)
            XCTAssertEqual(response.status.code, 202, response.text)
            let json = try XCTUnwrap(response.json?.objectValue, response.text)
            XCTAssertEqual(Set(json.keys), ["id", "status", "status_url"])
            let id = try XCTUnwrap(json["id"]?.stringValue)
            XCTAssertNotNil(id.range(of: "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression), id)
            XCTAssertEqual(json["status"], "pending")
            XCTAssertEqual(json["status_url"]?.stringValue, "http://localhost\(path)/\(id)")
            XCTAssertEqual(response.headers[.init("X-Request-ID")!], id)
            XCTAssertEqual(response.headers[.contentType], "application/json")
            _ = try await client.send(.get, "\(path)/\(id)?timeout=60", token: token)
        }
    }

    /// A dry run's GET: the reference's result, its actions the plan, and GlitchTip unchanged.
    func testACompletedDryRunReadsItsActions() async throws {
        let harness = try await ServeHarness.make(for: self)
        let token = harness.token()
        let body = harness.body(Requests.myProject([Requests.alert("new-alert")]))
        let result = try await harness.test(harness.runner()) { client in
            let posted = try await client.send(.post, path, token: token, json: body)
            let id = try XCTUnwrap(posted.json?["id"]?.stringValue, posted.text)
            let response = try await client.send(.get, "\(path)/\(id)?timeout=60", token: token)
            XCTAssertEqual(response.status.code, 200, response.text)
            return response.json
        }
        XCTAssertEqual(result, [
            "status": "success", "applied_actions": [], "applied_count": 0, "errors": [],
            "actions": [["action_type": "create", "instance": "test-instance", "organization": "my-org", "project": "my-project",
                         "alert_name": "new-alert"]],
        ])
        let mutations = try await harness.mutations()
        XCTAssertEqual(mutations, [], "a dry run changed GlitchTip")
    }

    func testAnApplyChangesGlitchTipAndReadsWhatItApplied() async throws {
        let harness = try await ServeHarness.make(for: self)
        let token = harness.token()
        let body = harness.body(Requests.myProject([Requests.alert("new-alert")]), dryRun: false)
        let result = try await harness.test(harness.runner()) { client in
            let posted = try await client.send(.post, path, token: token, json: body)
            let id = try XCTUnwrap(posted.json?["id"]?.stringValue, posted.text)
            return try await client.send(.get, "\(path)/\(id)?timeout=60", token: token).json
        }
        XCTAssertEqual(result?["status"], "success", "\(String(describing: result))")
        XCTAssertEqual(result?["applied_count"], 1)
        XCTAssertEqual(result?["applied_actions"], result?["actions"])
        let mutations = try await harness.mutations()
        XCTAssertEqual(mutations.count, 1, "\(mutations)")
    }

    func testAnUnknownTaskIs404() async throws {
        let harness = try await ServeHarness.make(for: self)
        let token = harness.token()
        try await harness.test(harness.runner()) { client in
            for id in ["0b6e5cdb-2f3e-4c39-9a1e-4b8f0e6c1d2a", "not-a-uuid"] {
                let response = try await client.send(.get, "\(path)/\(id)?timeout=1", token: token)
                XCTAssertEqual(response.status.code, 404, id)
                XCTAssertEqual(response.json, ["detail": "Task not found"])
            }
        }
    }

    /// Still running after `timeout` seconds: 408 with the reference's detail; without a
    /// timeout (and no default) the answer is at once, `pending`; later the result.
    func testATaskStillPendingAfterTheTimeoutIs408() async throws {
        let harness = try await ServeHarness.make(for: self)
        // The project's alert listing is answered 4 s late: the task is still reading at 1 s.
        try await harness.sim.faults([["method": "GET", "path": "/api/0/projects/", "match": "prefix", "times": 1,
                                       "action": "delay", "delay_ms": 4000]])
        let token = harness.token()
        let body = harness.body(Requests.myProject([Requests.alert("a")]))
        try await harness.test(harness.runner()) { client in
            let posted = try await client.send(.post, path, token: token, json: body)
            let id = try XCTUnwrap(posted.json?["id"]?.stringValue, posted.text)
            let now = try await client.send(.get, "\(path)/\(id)", token: token)
            XCTAssertEqual(now.status.code, 200)
            XCTAssertEqual(now.json, ["status": "pending", "actions": [], "applied_actions": [], "applied_count": 0, "errors": []])
            let late = try await client.send(.get, "\(path)/\(id)?timeout=1", token: token)
            XCTAssertEqual(late.status.code, 408, late.text)
            XCTAssertEqual(late.json, ["detail": "Task still pending after 1s"])
            let done = try await client.send(.get, "\(path)/\(id)?timeout=60", token: token)
            XCTAssertEqual(done.json?["status"], "success", done.text)
        }
    }

    /// `timeout` as FastAPI's `Query(ge=1, le=max)`: 422 naming `query.timeout`, never a wait.
    func testATimeoutOutOfRangeIs422() async throws {
        var harness = try await ServeHarness.make(for: self)
        harness.settings.maxTimeout = 10
        let token = harness.token()
        let cases: [(String, String)] = [("0", "greater_than_equal"), ("-1", "greater_than_equal"), ("11", "less_than_equal"),
                                         ("abc", "int_parsing"), ("1e3", "int_parsing"), ("1.5", "int_parsing"),
                                         ("99999999999999999999", "int_parsing"), ("", "int_parsing")]
        try await harness.test(harness.runner()) { client in
            for (value, type) in cases {
                let response = try await client.send(.get, "\(path)/some-id?timeout=\(value)", token: token)
                XCTAssertEqual(response.status.code, 422, value)
                let detail = response.json?["detail"]?.arrayValue?.first
                XCTAssertEqual(detail?["loc"], ["query", "timeout"], value)
                XCTAssertEqual(detail?["type"]?.stringValue, type, value)
            }
            let ten = try await client.send(.get, "\(path)/some-id?timeout=10", token: token)
            XCTAssertEqual(ten.status.code, 404, "10 is within QAPI_API_TASK_MAX_TIMEOUT")
        }
    }

    /// A body the model refuses is 422 with FastAPI's detail list, and nothing runs: no task is
    /// held and GlitchTip hears nothing.
    func testABadBodyIs422AndNothingRuns() async throws {
        let harness = try await ServeHarness.make(for: self)
        let token = harness.token()
        let noInstances: JSONValue = ["dry_run": true]
        let webhookWithoutURL = harness.body(Requests.myProject([Requests.alert("a", recipients: [("webhook", "")])]))
        let runner = harness.runner()
        try await harness.test(runner) { client in
            let notJSON = try await client.send(.post, path, token: token, raw: Array("{not json".utf8))
            XCTAssertEqual(notJSON.status.code, 422)
            XCTAssertEqual(notJSON.json?["detail"]?.arrayValue?.first?["type"], "json_invalid")
            let missing = try await client.send(.post, path, token: token, json: noInstances)
            XCTAssertEqual(missing.status.code, 422)
            XCTAssertEqual(missing.json?["detail"]?.arrayValue?.first?["loc"], ["body", "instances"])
            XCTAssertEqual(missing.json?["detail"]?.arrayValue?.first?["type"], "missing")
            let webhook = try await client.send(.post, path, token: token, json: webhookWithoutURL)
            XCTAssertEqual(webhook.status.code, 422, webhook.text)
            let metrics = try await client.send(.get, "/metrics", token: nil)
            XCTAssertTrue(metrics.text.contains(#"gt_serve_tasks{status="pending"} 0"#), metrics.text)
            XCTAssertFalse(metrics.text.contains("gt_serve_tasks_finished_total{"), metrics.text)
        }
        let requests = try await harness.sim.requestLog().requests
        XCTAssertEqual(requests.count, 0, "a refused request reached GlitchTip")
    }
}
