import Foundation
import GTStreams
import GTTestSupport
import Hummingbird
import ServeHTTP
import XCTest


private let path = ServeHarness.path

/// Every `/api/` route needs `Authorization: Bearer <JWT>`: HS256 with gt-serve's secret, an
/// integer `exp` in the future, a `sub` not revoked. Each refusal is 401 with
/// `WWW-Authenticate: Bearer` and the reference's detail; the operational routes need none.
final class AuthTests: SimulatorTestCase {
    private func encode(_ json: String) -> String {
        Data(json.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A token with this header and these claims, signed HS256 with `secret` (as an attacker
    /// who knows the format but not the secret would make one, with `secret` a guess).
    private func forged(header: String = #"{"alg":"HS256","typ":"JWT"}"#, claims: String, secret: String = ServeHarness.secret) -> String {
        let signed = encode(header) + "." + encode(claims)
        return signed + "." + HS256Probe.signature(signed, secret: secret)
    }

    private func refusals(_ harness: ServeHarness) -> [(String?, String)] {
        let future = JWT.now() + 3600
        return [
            (nil, "Not authenticated"),
            ("Basic dXNlcjpwYXNz", "Not authenticated"),
            ("Bearer", "Not authenticated"),
            ("Bearer \(harness.token(secret: "another-secret-of-at-least-32-bytes!!"))", "Invalid token: Signature verification failed"),
            ("Bearer \(harness.token(validFor: -10))", "Invalid token: Signature has expired"),
            ("Bearer \(encode(#"{"alg":"none","typ":"JWT"}"#)).\(encode(#"{"sub":"x","exp":\#(future)}"#)).", "Invalid token: The specified alg value is not allowed"),
            ("Bearer \(forged(header: #"{"alg":"HS512","typ":"JWT"}"#, claims: #"{"sub":"x","exp":\#(future)}"#))",
             "Invalid token: The specified alg value is not allowed"),
            ("Bearer \(forged(claims: #"{"sub":"x"}"#))", #"Invalid token: Token is missing the "exp" claim"#),
            ("Bearer \(forged(claims: #"{"sub":"x","exp":1e17}"#))", "Invalid token: Expiration Time claim (exp) must be an integer."),
            ("Bearer \(forged(claims: #"{"sub":"x","exp":"\#(future)"}"#))", "Invalid token: Expiration Time claim (exp) must be an integer."),
            ("Bearer \(forged(claims: #"{"exp":\#(future)}"#))", #"Invalid token: Token is missing the "sub" claim"#),
            ("Bearer \(forged(claims: #"{"sub":42,"exp":\#(future)}"#))", #"Invalid token: Token is missing the "sub" claim"#),
            ("Bearer a.b", "Invalid token: Not enough segments"),
            ("Bearer \(harness.token()).x", "Invalid token: Too many segments"),
            ("Bearer \(harness.token())x", "Invalid token: Signature verification failed"),
            ("Bearer \(String(repeating: "a", count: 9000))", "Invalid token: token too long"),
            ("Bearer \(harness.token("revoked-bot"))", "Token has been revoked"),
        ]
    }

    func testEveryBadTokenIs401WithTheReferencesDetail() async throws {
        var harness = try await ServeHarness.make(for: self)
        harness.settings.revokedSubjects = ["revoked-bot"]
        let cases = refusals(harness)
        let body = harness.body(Requests.myProject([]))
        try await harness.test(harness.runner()) { client in
            for (authorization, detail) in cases {
                var headers: HTTPFields = [:]
                if let authorization { headers[.authorization] = authorization }
                for (method, uri) in [(HTTPRequest.Method.post, path), (.get, "\(path)/some-id?timeout=1")] {
                    let response = try await client.send(method, uri, token: nil, json: method == .post ? body : nil, headers: headers)
                    XCTAssertEqual(response.status.code, 401, "\(method) \(detail)")
                    XCTAssertEqual(response.json, ["detail": .string(detail)], "\(method) \(authorization ?? "none")")
                    XCTAssertEqual(response.headers[.wwwAuthenticate], "Bearer")
                }
            }
        }
        let requests = try await harness.sim.requestLog().requests
        XCTAssertEqual(requests.count, 0, "a refused request ran")
    }

    /// A token made by `gt-serve token`'s signer passes, and names its subject in the log.
    func testAValidTokenPassesAndItsSubjectIsLogged() async throws {
        let harness = try await ServeHarness.make(for: self)
        let token = harness.token("alerts-ci")
        try await harness.test(harness.runner()) { client in
            let response = try await client.send(.get, "\(path)/unknown", token: token)
            XCTAssertEqual(response.status.code, 404)
        }
        XCTAssertEqual(harness.log.parsed.last?["subject"], "alerts-ci", "\(harness.log.all)")
    }

    /// Only `/health`, `/metrics` and `/openapi.json`, spelled exactly so, need no token: a
    /// path the router might match under another spelling still needs one.
    func testOnlyTheOperationalRoutesNeedNoToken() async throws {
        let harness = try await ServeHarness.make(for: self)
        let token = harness.token()
        let body = harness.body(Requests.myProject([]))
        try await harness.test(harness.runner()) { client in
            for uri in ["/health", "/metrics", "/openapi.json"] {
                let response = try await client.send(.get, uri, token: nil)
                XCTAssertEqual(response.status.code, 200, uri)
            }
            for uri in ["/" + path, "/nowhere", path + "/../reconcile", "/%61pi/v1/integrations/glitchtip-project-alerts/reconcile"] {
                let response = try await client.send(.post, uri, token: nil, json: body)
                XCTAssertEqual(response.status.code, 401, uri)
            }
            let unknown = try await client.send(.get, "/nowhere", token: token)
            XCTAssertEqual(unknown.status.code, 404)
            XCTAssertEqual(unknown.json, ["detail": "Not Found"])
        }
        let requests = try await harness.sim.requestLog().requests
        XCTAssertEqual(requests.count, 0, "a request without a token ran")
    }

    func testASignedTokenReadsBack() {
        let secret = Array(ServeHarness.secret.utf8)
        let token = JWT.sign(subject: "someone", expires: JWT.now() + 60, secret: secret)
        XCTAssertEqual(try JWT.subject(of: token, secret: secret, now: JWT.now()).get(), "someone")
        XCTAssertEqual(JWT.subject(of: token, secret: secret, now: JWT.now() + 60), .failure(JWT.Refusal(reason: "Signature has expired")))
        // A claim changed after signing: the signature no longer holds.
        let parts = token.split(separator: ".").map(String.init)
        let changed = parts[0] + "." + encode(#"{"sub":"admin","exp":\#(JWT.now() + 60)}"#) + "." + parts[2]
        XCTAssertEqual(JWT.subject(of: changed, secret: secret, now: JWT.now()),
                       .failure(JWT.Refusal(reason: "Signature verification failed")))
    }
}

/// HS256 computed apart from gt-serve's code (Foundation's base64, the `openssl` CLI's HMAC),
/// so a forged token's signature does not come from the code under test.
enum HS256Probe {
    static func signature(_ signed: String, secret: String) -> String {
        let result = try? Tools.shell("printf '%s' \"$SIGNED\" | openssl dgst -sha256 -hmac \"$SECRET\" -binary | base64 -w0",
                                      environment: ["SIGNED": signed, "SECRET": secret])
        return (result?.stdout ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
