import Foundation
@testable import AppInterface
import GTStreams
import GTTestSupport
import XCTest
import GTHTTP

/// A simulator with Vault (KV v2 `secret`, KV v1 `kv1`, AppRole) and a writer over real HTTP;
/// every error a test sees is checked for the planted values (webhook secrets, token, AppRole).
class VaultWriteTestCase: SimulatorTestCase {
    var sim: Simulator!
    /// Values no message may show.
    let planted = ["planted-vault-token", "planted-secret-id", "hooks.example.com/T000/B000/planted-slack-secret",
                   "planted-other-value", "planted-kept-value"]
    let hook = "https://hooks.example.com/T000/B000/planted-slack-secret"

    /// Writers and clients made, shut down when the test ends (every transport is).
    private var opened: [(VaultSecretWriter?, HTTPClient)] = []

    override func setUp() async throws {
        try await super.setUp()
        sim = try startSimulator()
        try await configureVault()
    }

    override func tearDown() async throws {
        for (writer, http) in opened {
            await writer?.shutdown()
            await http.transport.shutdown()
        }
        opened = []
        try await super.tearDown()
    }

    func configureVault(writesAfterRead: [JSONValue] = []) async throws {
        try await sim.admin(.post, "/__admin/vault", [
            "tokens": ["planted-vault-token"],
            "approle": ["role_id": "planted-role-id", "secret_id": "planted-secret-id"],
            "mounts": ["secret": 2, "kv1": 1],
            "secrets": [
                "secret/gt/prod/acme/api": [["other": "planted-kept-value"]],
                "secret/gt/prod/acme/gone": [["url": "x"], .null],
                "kv1/gt/prod/acme/api": ["other": "planted-kept-value"],
            ],
            "writes_after_read": .array(writesAfterRead),
        ])
    }

    func writer(_ environment: [String: String]? = nil) throws -> VaultSecretWriter {
        let http = HTTPClient(transport: HTTPTransport(maxConcurrent: 2), retry: RetryPolicy(maxRetries: 0))
        opened.append((nil, http))
        let writer = try VaultSecretWriter.fromEnvironment(
            environment ?? ["VAULT_ADDR": sim.baseURL, "VAULT_TOKEN": "planted-vault-token"], http: http)
        opened.append((writer, http))
        return writer
    }

    /// The versions the simulator holds at `path` (nil: none).
    func versions(_ path: String) async throws -> [JSONValue]? {
        try await sim.admin(.get, "/__admin/vault")["secrets"]?[path]?.arrayValue
    }

    /// The error `body` throws, checked for every planted value; fails when it throws nothing.
    func failure(_ body: () async throws -> VaultSecretWriter.Outcome, file: StaticString = #filePath, line: UInt = #line) async -> String {
        do {
            let outcome = try await body()
            XCTFail("expected an error, got \(outcome)", file: file, line: line)
            return ""
        } catch {
            let text = "\(error)"
            for value in planted { XCTAssertFalse(text.contains(value), "\(value) in: \(text)", file: file, line: line) }
            return text
        }
    }

    func posts(_ path: String) async throws -> Int {
        try await sim.requestLog().matching("POST", "/v1/\(path)").count
    }
}

/// The writes themselves: a new secret, a field added, the same value again, another value
/// refused, the mounts and logins refused.
final class VaultWriteTests: VaultWriteTestCase {
    func testANewSecretIsWrittenAsVersionOne() async throws {
        let outcome = try await writer().add(NewSecret(path: "secret/gt/prod/acme/web", fields: ["alert-1": hook]))
        XCTAssertEqual(outcome, .written(version: 1))
        let stored = try await versions("secret/gt/prod/acme/web")
        XCTAssertEqual(stored, [["alert-1": .string(hook)]])
        let writes = try await sim.requestLog().matching("POST", "/v1/secret/data/gt/prod/acme/web")
        XCTAssertEqual(writes.count, 1)
    }

    func testAFieldIsAddedBesideTheFieldsThere() async throws {
        let outcome = try await writer().add(NewSecret(path: "secret/gt/prod/acme/api", fields: ["alert-1": hook]))
        XCTAssertEqual(outcome, .written(version: 2))
        let stored = try await versions("secret/gt/prod/acme/api")
        XCTAssertEqual(stored, [["other": "planted-kept-value"], ["other": "planted-kept-value", "alert-1": .string(hook)]])
    }

    func testTheSameValueAgainWritesNothing() async throws {
        let writer = try writer()
        let secret = NewSecret(path: "secret/gt/prod/acme/api", fields: ["alert-1": hook, "other": "planted-kept-value"])
        let first = try await writer.add(secret)
        XCTAssertEqual(first, .written(version: 2))
        let again = try await writer.add(secret)
        XCTAssertEqual(again, .alreadyThere)
        let stored = try await versions("secret/gt/prod/acme/api")
        XCTAssertEqual(stored?.count, 2)
        let writes = try await posts("secret/data/gt/prod/acme/api")
        XCTAssertEqual(writes, 1)
    }

    func testAnotherValueInAFieldIsRefusedAndNothingWritten() async throws {
        let writer = try writer()
        let message = await failure {
            try await writer.add(NewSecret(path: "secret/gt/prod/acme/api", fields: ["alert-1": hook, "other": "planted-other-value"]))
        }
        XCTAssertTrue(message.contains("secret/gt/prod/acme/api"), message)
        XCTAssertTrue(message.contains("field 'other' already holds another value"), message)
        XCTAssertTrue(message.contains("nothing written"), message)
        let stored = try await versions("secret/gt/prod/acme/api")
        XCTAssertEqual(stored, [["other": "planted-kept-value"]])
        let writes = try await posts("secret/data/gt/prod/acme/api")
        XCTAssertEqual(writes, 0)
    }

    func testAKV1MountIsRefused() async throws {
        let writer = try writer()
        let message = await failure { try await writer.add(NewSecret(path: "kv1/gt/prod/acme/api", fields: ["alert-1": hook])) }
        XCTAssertTrue(message.contains("secret kv1/gt/prod/acme/api: mount 'kv1' is KV version 1"), message)
        XCTAssertTrue(message.contains("use the commands file instead"), message)
        let writes = try await sim.requestLog().matching("POST", "/v1/kv1")
        XCTAssertEqual(writes.count, 0)
        let unknown = await failure { try await writer.add(NewSecret(path: "nomount/x", fields: ["a": "planted-other-value"])) }
        XCTAssertTrue(unknown.contains("cannot tell the KV version of mount 'nomount'"), unknown)
        XCTAssertTrue(unknown.contains("use the commands file instead"), unknown)
    }

    func testABadTokenIsPermissionDeniedNamingThePath() async throws {
        let writer = try writer(["VAULT_ADDR": sim.baseURL, "VAULT_TOKEN": "planted-wrong-token"])
        let message = await failure { try await writer.add(NewSecret(path: "secret/gt/prod/acme/web", fields: ["alert-1": hook])) }
        XCTAssertTrue(message.contains("secret secret/gt/prod/acme/web:"), message)
        XCTAssertTrue(message.contains("HTTP 403: permission denied"), message)
        XCTAssertFalse(message.contains("planted-wrong-token"), message)
        let stored = try await versions("secret/gt/prod/acme/web")
        XCTAssertNil(stored)
    }

    func testAppRoleLogsInThenWrites() async throws {
        let writer = try writer(["VAULT_ADDR": sim.baseURL, "VAULT_ROLE_ID": "planted-role-id", "VAULT_SECRET_ID": "planted-secret-id"])
        let outcome = try await writer.add(NewSecret(path: "secret/gt/prod/acme/web", fields: ["alert-1": hook]))
        XCTAssertEqual(outcome, .written(version: 1))
        let wrong = try self.writer(["VAULT_ADDR": sim.baseURL, "VAULT_ROLE_ID": "planted-role-id", "VAULT_SECRET_ID": "planted-wrong-secret"])
        let message = await failure { try await wrong.add(NewSecret(path: "secret/gt/prod/acme/web2", fields: ["alert-1": hook])) }
        XCTAssertTrue(message.contains("AppRole login to Vault at \(sim.baseURL) failed"), message)
        XCTAssertFalse(message.contains("planted-wrong-secret"), message)
    }

    func testTheEnvironmentMustNameVaultAndNoNamespace() throws {
        XCTAssertThrowsError(try writer(["VAULT_TOKEN": "planted-vault-token"])) { error in
            XCTAssertTrue("\(error)".contains("VAULT_ADDR is not set"), "\(error)")
            XCTAssertTrue("\(error)".contains("use the commands file instead"), "\(error)")
        }
        XCTAssertThrowsError(try writer(["VAULT_ADDR": sim.baseURL])) { error in
            XCTAssertTrue("\(error)".contains("neither VAULT_TOKEN nor VAULT_ROLE_ID"), "\(error)")
        }
        XCTAssertThrowsError(try writer(["VAULT_ADDR": sim.baseURL, "VAULT_TOKEN": "planted-vault-token", "VAULT_NAMESPACE": "team"])) { error in
            XCTAssertTrue("\(error)".contains("VAULT_NAMESPACE is set"), "\(error)")
            XCTAssertFalse("\(error)".contains("planted-vault-token"), "\(error)")
        }
    }

    /// Paths an HTTP client would rewrite (`..`), or with nothing to write, are refused before
    /// any request.
    func testPathsThatWouldLandElsewhereAreRefusedBeforeAnyRequest() async throws {
        let writer = try writer()
        for (path, fields) in [("secret/../sys/policy/x", ["a": "planted-other-value"]), ("secret//x", ["a": "b"]),
                               ("secret", ["a": "b"]), ("secret/./x", ["a": "b"]), ("secret/x", [:]), ("secret/x", ["": "b"]),
                               ("secret/x\n", ["a": "b"])] {
            let message = await failure { try await writer.add(NewSecret(path: path, fields: fields)) }
            XCTAssertTrue(message.hasPrefix("secret \(path):"), message)
        }
        let requests = try await sim.requestLog().matching("GET", "/v1/") + sim.requestLog().matching("POST", "/v1/")
        XCTAssertEqual(requests.count, 0)
    }

    /// Segments are percent-encoded: a `?` or `#` or space in the path stays in the path.
    func testOddCharactersInThePathStayInThePath() async throws {
        let outcome = try await writer().add(NewSecret(path: "secret/gt/a b?c#d/é", fields: ["alert-1": hook]))
        XCTAssertEqual(outcome, .written(version: 1))
        let stored = try await versions("secret/gt/a b?c#d/é")
        XCTAssertEqual(stored, [["alert-1": .string(hook)]])
    }
}
