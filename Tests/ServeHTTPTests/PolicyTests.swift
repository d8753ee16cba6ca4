import Foundation
import GTStreams
import GTTestSupport
import Hummingbird
import ServeHTTP
import XCTest

private let path = ServeHarness.path

/// With a policy (`--policy`), a subject it does not name gets 403 on every `/api/` route; a
/// named one may read any task and reconcile only its instances, applying only with `apply`.
/// A refused POST runs nothing and stores no task; 401 and 422 come first.
final class PolicyTests: SimulatorTestCase {
    private static let policy = ServePolicy(subjects: [
        "ci-dry": .init(instances: ["test-instance"], apply: false),
        "ops": .init(instances: nil, apply: true),
        "elsewhere": .init(instances: ["other-instance"], apply: true),
    ])

    private func harness() async throws -> ServeHarness {
        var harness = try await ServeHarness.make(for: self)
        harness.settings.policy = Self.policy
        return harness
    }

    func testASubjectNotInThePolicyIs403OnEveryAPIRoute() async throws {
        let harness = try await harness()
        let token = harness.token("stranger")
        let body = harness.body(Requests.myProject([Requests.alert("a")]))
        let runner = harness.runner()
        try await harness.test(runner) { client in
            let posted = try await client.send(.post, path, token: token, json: body)
            XCTAssertEqual(posted.status.code, 403, posted.text)
            XCTAssertEqual(posted.json, ["detail": "Subject 'stranger' is not in gt-serve's policy"])
            for uri in ["\(path)/some-id", "\(path)/some-id?timeout=1"] {
                let got = try await client.send(.get, uri, token: token)
                XCTAssertEqual(got.status.code, 403, uri)
                XCTAssertEqual(got.json, ["detail": "Subject 'stranger' is not in gt-serve's policy"], uri)
            }
        }
        let metrics = try await harness.test(runner) { client in try await client.send(.get, "/metrics", token: nil).text }
        XCTAssertTrue(metrics.contains(#"gt_serve_tasks{status="pending"} 0"#), metrics)
        XCTAssertTrue(metrics.contains(#"gt_serve_tasks{status="success"} 0"#), "a refused POST stored a task:\n\(metrics)")
        let requests = try await harness.sim.requestLog().requests
        XCTAssertEqual(requests.count, 0, "a refused request ran")
        let access = harness.log.parsed.filter { $0["event"] == "access" && $0["path"] != "/metrics" }
        XCTAssertEqual(access.map { $0["status"] }, [403, 403, 403])
        XCTAssertEqual(Set(access.map { $0["subject"] }), ["stranger"], "the access log names the subject refused")
    }

    /// The first instance not allowed, in request order, is named; an apply without `apply:
    /// true` is refused though its instances are allowed.
    func testAnInstanceNotAllowedOrAnApplyWithoutApplyIs403() async throws {
        let harness = try await harness()
        let organizations = Requests.myProject([Requests.alert("a")])
        let url = harness.sim.baseURL
        let two = Requests.request([Requests.instance("test-instance", url: url, organizations: organizations),
                                    Requests.instance("zz-second", url: url, organizations: organizations),
                                    Requests.instance("aa-third", url: url, organizations: organizations)])
        let cases: [(String, JSONValue, String)] = [
            ("ci-dry", two, "Subject 'ci-dry' may not reconcile instance 'zz-second'"),
            ("elsewhere", harness.body(organizations), "Subject 'elsewhere' may not reconcile instance 'test-instance'"),
            ("ci-dry", harness.body(organizations, dryRun: false), "Subject 'ci-dry' may not apply: dry runs only"),
        ]
        try await harness.test(harness.runner()) { client in
            for (subject, body, detail) in cases {
                let response = try await client.send(.post, path, token: harness.token(subject), json: body)
                XCTAssertEqual(response.status.code, 403, "\(subject): \(response.text)")
                XCTAssertEqual(response.json, ["detail": .string(detail)])
            }
        }
        let requests = try await harness.sim.requestLog().requests
        XCTAssertEqual(requests.count, 0, "a refused request ran")
    }

    /// Allowed subjects run: a dry run for `ci-dry`, an apply for `ops` (`"*"`), and any subject
    /// in the policy may read a task another subject posted.
    func testAnAllowedSubjectRunsAndAnyNamedSubjectReadsTasks() async throws {
        let harness = try await harness()
        let organizations = Requests.myProject([Requests.alert("a")])
        try await harness.test(harness.runner()) { client in
            let dry = try await client.send(.post, path, token: harness.token("ci-dry"), json: harness.body(organizations))
            XCTAssertEqual(dry.status.code, 202, dry.text)
            let id = try XCTUnwrap(dry.json?["id"]?.stringValue)
            let read = try await client.send(.get, "\(path)/\(id)?timeout=60", token: harness.token("elsewhere"))
            XCTAssertEqual(read.status.code, 200, read.text)
            XCTAssertEqual(read.json?["status"], "success", read.text)
            let apply = try await client.send(.post, path, token: harness.token("ops"), json: harness.body(organizations, dryRun: false))
            XCTAssertEqual(apply.status.code, 202, apply.text)
            let applied = try await client.send(.get, "\(path)/\(try XCTUnwrap(apply.json?["id"]?.stringValue))?timeout=60",
                                                token: harness.token("ops"))
            XCTAssertEqual(applied.json?["applied_count"], 1, applied.text)
        }
    }

    /// 401 before the policy, and a request the model refuses is 422 whoever sends it.
    func testAuthenticationAndValidationComeFirst() async throws {
        let harness = try await harness()
        try await harness.test(harness.runner()) { client in
            let unsigned = try await client.send(.post, path, token: nil, json: harness.body([]))
            XCTAssertEqual(unsigned.status.code, 401)
            let invalid = try await client.send(.post, path, token: harness.token("stranger"), json: ["instances": "nope"])
            XCTAssertEqual(invalid.status.code, 422, invalid.text)
            let badTimeout = try await client.send(.get, "\(path)/x?timeout=0", token: harness.token("stranger"))
            XCTAssertEqual(badTimeout.status.code, 422, badTimeout.text)
        }
    }

    /// Without a policy every valid token may do everything (the reference without OPA).
    func testWithoutAPolicyEverySubjectMayApply() async throws {
        let harness = try await ServeHarness.make(for: self)
        try await harness.test(harness.runner()) { client in
            let body = harness.body(Requests.myProject([]), dryRun: false)
            let response = try await client.send(.post, path, token: harness.token("anyone"), json: body)
            XCTAssertEqual(response.status.code, 202, response.text)
            _ = try await client.send(.get, "\(path)/\(try XCTUnwrap(response.json?["id"]?.stringValue))?timeout=60", token: harness.token())
        }
    }
}
