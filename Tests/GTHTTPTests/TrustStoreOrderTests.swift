import Foundation
import XCTest
@testable import GTStreams
import GTTestSupport
@testable import GTHTTP

/// How `TrustStore` reads the environment (README, "Behind a company network"); the end-to-end
/// runs are in ToolTests/TrustStoreTests.swift.
final class TrustStoreOrderTests: SimulatorTestCase {
    func testEmptyVariablesCountAsUnsetAndAPairIsUsedTogether() throws {
        let dir = scratchDirectory()
        let ca = try TestCertificateAuthority(in: dir)
        let trust = TrustStore(environment: ["GT_CA_BUNDLE": "", "GT_CA_PATH": "", "SSL_CERT_FILE": ca.caFile,
                                             "SSL_CERT_DIR": ca.caDirectory, "CURL_CA_BUNDLE": "/nonexistent"])
        XCTAssertEqual(trust.caFile, ca.caFile)
        XCTAssertEqual(trust.caDirectory, ca.caDirectory)
        XCTAssertNil(trust.problem)
        XCTAssertEqual(trust.origin, "SSL_CERT_FILE=\(ca.caFile), SSL_CERT_DIR=\(ca.caDirectory)")

        let none = TrustStore(environment: ["GT_CA_BUNDLE": "", "HOME": "/root"])
        XCTAssertNil(none.caFile)
        XCTAssertNil(none.caDirectory)
        XCTAssertNil(none.problem)
        XCTAssertEqual(TrustStore(environment: ["VAULT_CACERT": ca.caFile], for: .glitchTip).caFile, nil,
                       "VAULT_CACERT is Vault's only")
        XCTAssertEqual(TrustStore(environment: ["VAULT_CACERT": ca.caFile], for: .vault).caFile, ca.caFile)
    }

    func testHashedNames() {
        XCTAssertTrue(TrustStore.isHashedName("1a2b3c4d.0"))
        XCTAssertTrue(TrustStore.isHashedName("ABCDEF01.12"))
        XCTAssertFalse(TrustStore.isHashedName("1a2b3c4d.r0"))  // a CRL, not a certificate
        XCTAssertFalse(TrustStore.isHashedName("ca.pem"))
        XCTAssertFalse(TrustStore.isHashedName("1a2b3c4g.0"))
        XCTAssertFalse(TrustStore.isHashedName("1a2b3c4d."))
    }

    /// Unusable CAs fail what they would verify, HTTPS, and leave plain HTTP alone.
    func testAnUnusableSettingFailsHTTPSRequestsOnly() async throws {
        let sim = try startSimulator()
        defer { sim.stop() }
        let broken = TrustStore(environment: ["CURL_CA_BUNDLE": "/nonexistent/ca.pem"])
        XCTAssertNotNil(broken.problem)
        let transport = HTTPTransport(maxConcurrent: 1, trust: broken)
        let plain = await transport.perform(HTTPRequest(method: .get, url: sim.baseURL + "/api/0/"))
        XCTAssertNoThrow(try plain.get())
        let tls = await transport.perform(HTTPRequest(method: .get, url: "https://127.0.0.1:\(sim.port)/api/0/"))
        guard case .failure(.invalidRequest(let message)) = tls else { return XCTFail("\(tls)") }
        XCTAssertTrue(message.contains("CURL_CA_BUNDLE=/nonexistent/ca.pem: cannot be read: No such file or directory"), message)
        let log = try await sim.requestLog()
        XCTAssertEqual(log.requests.count, 1, "the HTTPS request was never sent")
    }
}
