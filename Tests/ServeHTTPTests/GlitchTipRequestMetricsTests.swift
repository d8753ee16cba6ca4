import GTStreams
import GTTestSupport
import Hummingbird
import ServeHTTP
import XCTest

private let path = ServeHarness.path

/// `/metrics` counts the requests tasks sent GlitchTip, by phase (reading the current state,
/// applying): after one dry run, exactly the requests the simulator logged.
final class GlitchTipRequestMetricsTests: SimulatorTestCase {
    func testADryRunsRequestsAreCounted() async throws {
        let harness = try await ServeHarness.make(for: self)
        let token = harness.token()
        let body = harness.body(Requests.myProject([Requests.alert("a")]))
        let runner = harness.runner()
        let metrics = try await harness.test(runner) { client in
            let before = try await client.send(.get, "/metrics", token: nil).text
            XCTAssertTrue(before.contains(#"gt_serve_glitchtip_requests_total{phase="current"} 0"#), before)
            let posted = try await client.send(.post, path, token: token, json: body)
            let id = try XCTUnwrap(posted.json?["id"]?.stringValue, posted.text)
            let result = try await client.send(.get, "\(path)/\(id)?timeout=60", token: token)
            XCTAssertEqual(result.json?["status"], "success", result.text)
            XCTAssertEqual(Set(result.json?.objectValue?.keys ?? [:].keys), ["status", "actions", "applied_actions", "applied_count", "errors"])
            return try await client.send(.get, "/metrics", token: nil).text
        }
        let logged = try await harness.sim.requestLog().requests.count
        XCTAssertGreaterThan(logged, 0)
        let counted = Self.value(metrics, #"gt_serve_glitchtip_requests_total{phase="current"}"#)
        let applied = Self.value(metrics, #"gt_serve_glitchtip_requests_total{phase="apply"}"#)
        XCTAssertEqual(counted.map { $0 + (applied ?? 0) }, logged, metrics)
        XCTAssertEqual(applied, 0, "a dry run sends nothing while applying")
        XCTAssertTrue(metrics.contains("# TYPE gt_serve_glitchtip_requests_total counter"), metrics)
    }

    private static func value(_ metrics: String, _ series: String) -> Int? {
        metrics.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Int($0.dropFirst(series.count + 1)) }
    }
}
