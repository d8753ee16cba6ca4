import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// Who may call gt-serve, as the reference client meets it: 401 for a missing, badly signed,
/// expired or revoked token; 403 from the policy file (`--policy`) for a subject it does not
/// list, an instance it does not give, or an apply it does not allow. Nothing runs for either.
final class ServeClientAuthTests: SimulatorTestCase {
    private let path = ServeClientFixture.path
    private let desired: [String: [DeclaredAlert]] = ["api": [DeclaredAlert(name: "new-one")]]
    private let current: [String: [JSONValue]] = ["api": []]

    /// An HS256 token for `subject` that expired a minute ago, signed with gt-serve's secret.
    private func expiredToken(_ subject: String) throws -> String {
        let script = """
            import base64, hashlib, hmac, json, sys, time
            b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
            head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
            body = b64(json.dumps({"sub": sys.argv[1], "exp": int(time.time()) - 60}).encode())
            mac = hmac.new(sys.argv[2].encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
            print(f"{head}.{body}.{b64(mac)}")
            """
        let result = try Tools.run("/usr/bin/env", ["python3", "-c", script, subject, ServeClientFixture.secret])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testAMissingBadExpiredOrRevokedTokenIs401() async throws {
        let serve = try await ServeClientFixture(for: self, desired: desired, current: current,
                                                 environment: ["QAPI_JWT_REVOKED_SUBJECTS": #"["gone-bot"]"#])
        let request = try serve.request(dryRun: true)
        let otherSecret = "another-planted-secret-of-thirty-two-bytes"
        let tokens: [(String?, String)] = [
            (nil, "Not authenticated"),
            (try ServeClientFixture.token("ci-bot", secret: otherSecret), "Invalid token: "),
            (try expiredToken("ci-bot"), "Invalid token: "),
            (try ServeClientFixture.token("gone-bot"), "Token has been revoked"),
        ]
        let id = UUID().uuidString.lowercased()
        for (token, detail) in tokens {
            for (method, target, body) in [("POST", path, Optional(request)), ("GET", "\(path)/\(id)?timeout=1", nil)] {
                let run = try serve.drive(["call", method, target] + (body.map { ["--body", $0] } ?? []), token: token)
                XCTAssertEqual(run.status, 0, "the client's models refused the answer: \(run.stderr)")
                let answer = try XCTUnwrap(run.answers.first)
                XCTAssertEqual(answer["status"], 401, "\(method) \(detail)")
                XCTAssertTrue(answer["body"]?["detail"]?.stringValue?.hasPrefix(detail) == true, "\(answer)")
                XCTAssertEqual(answer["headers"]?["www-authenticate"], "Bearer")
            }
        }
        let sent = try await serve.scenario.sim.requestLog().requests
        XCTAssertEqual(sent.count, 0, "an unauthenticated request reached GlitchTip")
        _ = try await serve.stop(checking: tokens.compactMap(\.0) + [otherSecret])
    }

    /// The policy (format: README "Authorisation"): a subject not in it, an instance it does not
    /// give the subject, an apply by a dry-run-only subject are 403 with the reference's detail
    /// shape; a request that is also invalid is 422 first; the allowed ones run.
    func testThePolicyRefusesWith403() async throws {
        let policy = scratchDirectory().appendingPathComponent("policy.json")
        try #"""
            {"subjects": {"ci-dry": {"instances": ["gt"], "apply": false},
                          "elsewhere": {"instances": ["glitchtip-prod"], "apply": true},
                          "ops": {"instances": ["*"], "apply": true}}}
            """#.write(to: policy, atomically: true, encoding: .utf8)
        let serve = try await ServeClientFixture(for: self, desired: desired, current: current, arguments: ["--policy", policy.path])
        let dry = try serve.request(dryRun: true)
        let apply = try serve.request(dryRun: false)
        let invalid = try serve.file("invalid.json", #"{"instances": [{"name": "gt"}]}"#)
        let (stranger, ciDry, elsewhere, ops) = (try ServeClientFixture.token("stranger"), try ServeClientFixture.token("ci-dry"),
                                                 try ServeClientFixture.token("elsewhere"), try ServeClientFixture.token("ops"))

        let notListed = try serve.call("POST", path, token: stranger, body: dry)
        XCTAssertEqual(notListed.status, 403)
        XCTAssertEqual(notListed.body, ["detail": "Subject 'stranger' is not in gt-serve's policy"])
        let strangerInvalid = try serve.call("POST", path, token: stranger, body: invalid)
        XCTAssertEqual(strangerInvalid.status, 422, "\(strangerInvalid.body)")
        let notThere = try serve.call("POST", path, token: elsewhere, body: dry)
        XCTAssertEqual(notThere.status, 403)
        XCTAssertEqual(notThere.body, ["detail": "Subject 'elsewhere' may not reconcile instance 'gt'"])
        let dryOnly = try serve.call("POST", path, token: ciDry, body: apply)
        XCTAssertEqual(dryOnly.status, 403)
        XCTAssertEqual(dryOnly.body, ["detail": "Subject 'ci-dry' may not apply: dry runs only"])
        let refusedSoFar = try await serve.scenario.sim.requestLog().requests
        XCTAssertEqual(refusedSoFar.count, 0, "a refused request reached GlitchTip")

        let planned = try serve.drive(["reconcile", dry], token: ciDry)
        XCTAssertEqual(planned.status, 0, planned.stderr)
        XCTAssertEqual(planned.answers.last?["body"]?["actions"]?.arrayValue?.count, 1)
        let id = try XCTUnwrap(planned.answers.first?["body"]?["id"]?.stringValue)
        let strangerReads = try serve.call("GET", "\(path)/\(id)?timeout=1", token: stranger)
        XCTAssertEqual(strangerReads.status, 403)
        let otherReads = try serve.call("GET", "\(path)/\(id)?timeout=1", token: elsewhere)
        XCTAssertEqual(otherReads.status, 200, "any subject in the policy may read a task")
        let applied = try serve.drive(["reconcile", "--wait", apply], token: ops)
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertEqual(applied.answers.last?["body"]?["applied_count"], 1)

        let finished = try await serve.stop(checking: [stranger, ciDry, elsewhere, ops])
        let refusals = finished.stderr.split(separator: "\n").compactMap { try? JSONValue(parsing: String($0)) }
            .filter { $0["event"] == "access" && $0["status"] == 403 }.compactMap { $0["subject"]?.stringValue }
        XCTAssertEqual(refusals, ["stranger", "elsewhere", "ci-dry", "stranger"], "the access log names a 403's subject")
    }
}
