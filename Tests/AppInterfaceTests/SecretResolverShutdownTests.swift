import Foundation
@testable import AppInterface
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest
import GTHTTP

/// The transport a resolver makes for Vault is shut down explicitly, like every other
/// (docs/architecture.md, "Transport lifecycle"): after `shutdown()` its transfer thread is gone
/// and a secret not read yet fails at once; a second call is harmless. The simulator serves
/// Vault's KV API over real HTTP.
final class SecretResolverShutdownTests: SimulatorTestCase {
    private var sim: Simulator!

    override func setUp() async throws {
        sim = try startSimulator()
        try await sim.admin(.post, "/__admin/vault", [
            "tokens": ["planted-vault-token"], "mounts": ["secret": 2],
            "secrets": ["secret/hooks": [["url": "https://hooks.example.com/planted"]],
                        "secret/other": [["url": "https://hooks.example.com/other"]]],
        ])
    }

    private func vaultResolver() throws -> SecretResolver {
        let http = HTTPClient(transport: HTTPTransport(maxConcurrent: 2), retry: RetryPolicy(maxRetries: 0))
        return try XCTUnwrap(try SecretResolver.fromEnvironment(["VAULT_ADDR": sim.baseURL, "VAULT_TOKEN": "planted-vault-token"],
                                                                http: http))
    }

    func testShutdownEndsVaultsTransferThread() async throws {
        let resolver = try vaultResolver()
        let value = try await resolver.value(of: SecretRef(path: "secret/hooks", field: "url"))
        XCTAssertEqual(value, "https://hooks.example.com/planted")
        let transport = try XCTUnwrap(resolver.ownedTransport)
        XCTAssertTrue(transport.hasThread, "Vault's transport never ran a request")

        await resolver.shutdown()
        XCTAssertFalse(transport.hasThread, "Vault's transfer thread outlived shutdown()")
        // What was read stays readable; a secret not read yet fails at once, without a request.
        let again = try await resolver.value(of: SecretRef(path: "secret/hooks", field: "url"))
        XCTAssertEqual(again, value)
        do {
            _ = try await resolver.value(of: SecretRef(path: "secret/other", field: "url"))
            XCTFail("a read after shutdown() succeeded")
        } catch {
            XCTAssertTrue("\(error)".contains("shut down"), "\(error)")
        }
        await resolver.shutdown()
        XCTAssertFalse(transport.hasThread)
    }

    /// A resolver over a store it was given owns no transport: shutdown() does nothing.
    func testShutdownOfAResolverWithoutATransportIsHarmless() async throws {
        let resolver = SecretResolver(store: SecretsFile(secrets: ["secret/hooks": ["url": "https://hooks.example.com/file"]]))
        XCTAssertNil(resolver.ownedTransport)
        await resolver.shutdown()
        let value = try await resolver.value(of: SecretRef(path: "secret/hooks", field: "url"))
        XCTAssertEqual(value, "https://hooks.example.com/file")
    }
}
