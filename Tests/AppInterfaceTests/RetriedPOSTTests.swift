import Foundation
@testable import AppInterface
import GTStreams
import GTTestSupport
import XCTest
import GTHTTP

/// The two POSTs gt retries, on purpose (docs/safety.md, "The transport never resends"): a
/// GraphQL query, which reads and changes nothing, and Vault's AppRole login, whose repeat only
/// issues another token. Every other POST (GlitchTip's alert creates) is sent once
/// (`HTTPClientTests.testAPOSTIsNeverRetried`).
final class RetriedPOSTTests: SimulatorTestCase {
    private var sim: Simulator!

    override func setUp() async throws {
        try await super.setUp()
        sim = try startSimulator()
    }

    private func http() -> HTTPClient {
        HTTPClient(transport: HTTPTransport(maxConcurrent: 1), retry: RetryPolicy(maxRetries: 2, baseDelay: 0.01, maxDelay: 0.05))
    }

    func testAGraphQLQueryIsSentAgainAfterA503() async throws {
        try await sim.admin(.post, "/__admin/graphql", ["responses": [["match": "instances", "data": ["instances": []]]]])
        try await sim.faults([["method": "POST", "path": "/graphql", "action": "status", "status": 503, "times": 1]])
        let http = http()
        let answer = try await QontractClient(url: sim.baseURL + "/graphql", token: nil, http: http)
            .query("{ instances { name } }", field: "instances")
        await http.transport.shutdown()
        XCTAssertEqual(answer, .array([]))
        let queries = try await sim.requestLog().matching("POST", "/graphql")
        XCTAssertEqual(queries.count, 2)
        XCTAssertEqual(http.counters.retries, 1)
    }

    func testAVaultLoginIsSentAgainAfterA503() async throws {
        try await sim.admin(.post, "/__admin/vault", [
            "approle": ["role_id": "planted-role-id", "secret_id": "planted-secret-id"], "mounts": ["secret": 2],
            "secrets": ["secret/hooks": [["url": "https://hooks.example.com/planted"]]],
        ])
        try await sim.faults([["method": "POST", "path": "/v1/auth/approle/login", "action": "status", "status": 503, "times": 1]])
        let http = http()
        let resolver = try XCTUnwrap(try SecretResolver.fromEnvironment(
            ["VAULT_ADDR": sim.baseURL, "VAULT_ROLE_ID": "planted-role-id", "VAULT_SECRET_ID": "planted-secret-id"], http: http))
        let value = try await resolver.value(of: SecretRef(path: "secret/hooks", field: "url"))
        await resolver.shutdown()
        await http.transport.shutdown()
        XCTAssertEqual(value, "https://hooks.example.com/planted")
        let logins = try await sim.requestLog().matching("POST", "/v1/auth/approle/login")
        XCTAssertEqual(logins.count, 2)
    }
}
