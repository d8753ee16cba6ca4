import Foundation
import GTStreams
import GTTestSupport
import Hummingbird
import ServeHTTP
import XCTest


private let path = ServeHarness.path

/// `/metrics` (Prometheus text: tasks by status, finished tasks, durations), `/openapi.json`
/// (the endpoints, their parameters and codes) and the access log, which names the request,
/// its subject and CI headers but never a token, a query value or a secret of the body.
final class OperationsTests: SimulatorTestCase {
    func testMetricsCountTasksByStatusAndDuration() async throws {
        let harness = try await ServeHarness.make(for: self)
        let token = harness.token()
        let body = harness.body(Requests.myProject([Requests.alert("a")]))
        let metrics = try await harness.test(harness.runner()) { client in
            let posted = try await client.send(.post, path, token: token, json: body)
            let id = try XCTUnwrap(posted.json?["id"]?.stringValue, posted.text)
            _ = try await client.send(.get, "\(path)/\(id)?timeout=60", token: token)
            return try await client.send(.get, "/metrics", token: nil)
        }
        XCTAssertEqual(metrics.headers[.contentType], "text/plain; version=0.0.4; charset=utf-8")
        let lines = Set(metrics.text.split(separator: "\n").map(String.init))
        for line in [#"gt_serve_tasks{status="success"} 1"#, #"gt_serve_tasks{status="pending"} 0"#,
                     #"gt_serve_tasks_finished_total{status="success",dry_run="true"} 1"#,
                     #"gt_serve_task_duration_seconds_bucket{le="+Inf"} 1"#, "gt_serve_task_duration_seconds_count 1",
                     "# TYPE gt_serve_task_duration_seconds histogram"] {
            XCTAssertTrue(lines.contains(line), "\(line) not in:\n\(metrics.text)")
        }
    }

    func testTheOpenAPIDocumentDescribesTheEndpoints() async throws {
        let harness = try await ServeHarness.make(for: self)
        let document = try await harness.test(harness.runner()) { client in try await client.send(.get, "/openapi.json", token: nil) }
        let json = try XCTUnwrap(document.json, document.text)
        let post = json["paths"]?[path]?["post"]
        XCTAssertEqual(post?["operationId"], "glitchtip-project-alerts")
        XCTAssertEqual(post?["responses"]?.objectValue.map { Set($0.keys) }, ["202", "400", "401", "403", "413", "415", "422", "503"])
        let get = json["paths"]?[path + "/{task_id}"]?["get"]
        XCTAssertEqual(get?["operationId"], "glitchtip-project-alerts-task-status")
        XCTAssertEqual(get?["parameters"]?.arrayValue?.compactMap { $0["name"]?.stringValue }, ["task_id", "timeout"])
        XCTAssertEqual(get?["responses"]?.objectValue.map { Set($0.keys) }, ["200", "401", "403", "404", "408", "422", "503"])
        for name in ["/health", "/metrics", "/openapi.json"] { XCTAssertNotNil(json["paths"]?[name]?["get"], name) }
        let result = json["components"]?["schemas"]?["GlitchtipProjectAlertsTaskResult"]?["properties"]?.objectValue
        XCTAssertEqual(result.map { Set($0.keys) }, ["status", "actions", "applied_actions", "applied_count", "errors"])
    }

    func testTheAccessLogNamesTheRequestAndNoSecret() async throws {
        let harness = try await ServeHarness.make(for: self)
        let token = harness.token("log-bot")
        let hook = "https://hooks.example.com/services/planted-webhook-secret"
        let body = harness.body(Requests.myProject([Requests.alert("a", recipients: [("webhook", hook)])]))
        let headers: HTTPFields = [.init("X-Build-Url")!: "https://ci-user:planted-ci-password@ci.example.com/job/7?token=planted-query",
                                   .init("X-GitLab-MR-ID")!: "42"]
        let id = try await harness.test(harness.runner()) { client in
            let posted = try await client.send(.post, path, token: token, json: body, headers: headers)
            let id = try XCTUnwrap(posted.json?["id"]?.stringValue, posted.text)
            _ = try await client.send(.get, "\(path)/\(id)?timeout=60&secret=planted-query-value", token: token)
            _ = try await client.send(.get, "\(path)/\(id)", token: "planted-bad-token")
            return id
        }
        let access = harness.log.parsed.filter { $0["event"] == "access" }
        XCTAssertEqual(access.count, 3, "\(harness.log.all)")
        XCTAssertEqual(access.first, [
            "event": "access", "request_id": .string(id), "method": "POST", "path": .string(path), "query": [], "status": 202,
            "duration_ms": access.first?["duration_ms"] ?? .null, "subject": "log-bot", "build_url": "https://ci.example.com/job/7",
            "gitlab_mr_id": "42",
        ])
        XCTAssertEqual(access[1]["query"], ["timeout", "secret"])
        XCTAssertEqual(access[2]["status"], 401)
        XCTAssertEqual(access[2]["subject"], .null)
        let text = harness.log.all.joined(separator: "\n")
        for planted in [token, ServeHarness.secret, ServeHarness.glitchTipToken, "planted-webhook-secret", "planted-ci-password",
                        "planted-query", "planted-bad-token"] {
            XCTAssertFalse(text.contains(planted), "\(planted) logged:\n\(text)")
        }
    }
}
