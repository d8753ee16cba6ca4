import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// Secrets through Vault (KV v1, KV v2 with versions, AppRole) and the secrets file; and no
/// secret value in stdout or stderr except the webhook URLs the desired stream must carry.
final class DesiredSecretsTests: SimulatorTestCase {
    private var sim: Simulator!

    override func setUp() async throws {
        sim = try startSimulator()
        try await sim.admin(.post, "/__admin/vault", [
            "tokens": ["planted-vault-token"],
            "approle": ["role_id": "planted-role-id", "secret_id": "planted-secret-id"],
            "mounts": ["secret": 2, "kv1": 1],
            "secrets": [
                "secret/hooks": [["url": "https://hooks.example.com/v1-of-two"], ["url": "https://hooks.example.com/v2-of-two"]],
                "kv1/hooks": ["url": "https://hooks.example.com/from-kv1"],
                "secret/encoded": [["url": "aHR0cHM6Ly9ob29rcy5leGFtcGxlLmNvbS9kZWNvZGVk"]],
            ],
        ])
    }

    private func hook(_ name: String, _ secret: String) -> String {
        """
        - name: \(name)
          description: d
          quantity: 1
          timespanMinutes: 1
          recipients:
          - provider: webhook
            urlSecret: \(secret)
        """
    }

    private var alerts: String {
        [hook("v2-latest", "{path: secret/hooks, field: url}"),
         hook("v2-pinned", "{path: secret/hooks, field: url, version: 1}"),
         hook("kv1", "{path: kv1/hooks, field: url}"),
         hook("base64", "{path: secret/encoded, field: url, format: base64}")].joined(separator: "\n")
    }

    private func urls(_ result: ToolResult) throws -> [String: String] {
        var urls: [String: String] = [:]
        for project in try result.body() where project["kind"] == "project" {
            for alert in project["alerts"]!.arrayValue! {
                urls[alert["name"]!.stringValue!] = alert["recipients"]!.arrayValue!.first?["url"]?.stringValue
            }
        }
        return urls
    }

    private let expected = [
        "v2-latest": "https://hooks.example.com/v2-of-two", "v2-pinned": "https://hooks.example.com/v1-of-two",
        "kv1": "https://hooks.example.com/from-kv1", "base64": "https://hooks.example.com/decoded",
    ]

    func testVaultTokenKV1AndKV2WithVersionsAndBase64() throws {
        let dir = try oneProjectDataDirectory(alerts: alerts)
        let result = try Tools.run("gt-desired", ["--data", dir],
                                   environment: ["VAULT_ADDR": sim.baseURL, "VAULT_TOKEN": "planted-vault-token"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try urls(result), expected)
    }

    func testVaultAppRole() async throws {
        let dir = try oneProjectDataDirectory(alerts: alerts)
        let result = try Tools.run("gt-desired", ["--data", dir], environment: [
            "VAULT_ADDR": sim.baseURL, "VAULT_ROLE_ID": "planted-role-id", "VAULT_SECRET_ID": "planted-secret-id",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try urls(result), expected)
        let logins = try await sim.requestLog().matching("POST", "/v1/auth/approle/login")
        XCTAssertEqual(logins.count, 1)

        let wrong = try Tools.run("gt-desired", ["--data", dir], environment: [
            "VAULT_ADDR": sim.baseURL, "VAULT_ROLE_ID": "planted-role-id", "VAULT_SECRET_ID": "planted-wrong-secret",
        ])
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.stderr.contains("AppRole login to Vault at \(sim.baseURL) failed"), wrong.stderr)
        XCTAssertFalse(wrong.stderr.contains("planted-wrong-secret"))
    }

    func testMissingVaultSecretOrFieldOrVersionNamesPathAndField() throws {
        for (secret, message) in [
            ("{path: secret/absent, field: url}", "secret secret/absent#url: not found in Vault at \(sim.baseURL)"),
            ("{path: secret/hooks, field: nope}", "secret secret/hooks#nope: no field 'nope' in Vault at \(sim.baseURL)"),
            ("{path: secret/hooks, field: url, version: 7}", "secret secret/hooks#url@7: not found in Vault at \(sim.baseURL)"),
        ] {
            let dir = try oneProjectDataDirectory(alerts: hook("x", secret))
            let result = try Tools.run("gt-desired", ["--data", dir],
                                       environment: ["VAULT_ADDR": sim.baseURL, "VAULT_TOKEN": "planted-vault-token"])
            XCTAssertEqual(result.status, 1)
            XCTAssertEqual(result.stderr, "gt-desired: error: \(message)\n")
            XCTAssertEqual(try result.body().count, 0)
        }
        let dir = try oneProjectDataDirectory(alerts: hook("x", "{path: secret/hooks, field: url}"))
        let denied = try Tools.run("gt-desired", ["--data", dir], environment: ["VAULT_ADDR": sim.baseURL, "VAULT_TOKEN": "nope"])
        XCTAssertEqual(denied.status, 1)
        XCTAssertTrue(denied.stderr.contains("secret secret/hooks#url: \(sim.baseURL)/v1/secret/data/hooks: HTTP 403: permission denied"),
                      denied.stderr)
    }

    func testPlantedSecretsAppearNowhere() async throws {
        // The instance token, the automation e-mail, Vault credentials and the GraphQL token are
        // planted in every input; none may reach stdout or stderr. (Webhook URLs resolved from
        // urlSecret are alert data: the desired stream must carry them for gt-apply.)
        try await sim.admin(.post, "/__admin/vault", [
            "tokens": ["planted-vault-token"], "mounts": ["secret": 2],
            "secrets": ["secret/gt/test": [["token": "planted-instance-token", "email": "planted@example.com"]],
                        "secret/hooks": [["url": "https://hooks.example.com/x"]]],
        ])
        let dir = try oneProjectDataDirectory(alerts: hook("x", "{path: secret/hooks, field: url}"), files: ["instance.yml": """
            $schema: /dependencies/glitchtip-instance-1.yml
            labels: {}
            name: gt-test
            description: test
            consoleUrl: https://glitchtip.example.com
            automationUserEmail: {path: secret/gt/test, field: email}
            automationToken: {path: secret/gt/test, field: token}
            """])
        let env = ["VAULT_ADDR": sim.baseURL, "VAULT_TOKEN": "planted-vault-token", "GT_GRAPHQL_TOKEN": "planted-graphql-token"]
        let ok = try Tools.run("gt-desired", ["--data", dir], environment: env)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let failing = try Tools.run("gt-desired", ["--data", dir + "/missing"], environment: env)
        XCTAssertEqual(failing.status, 1)
        for planted in ["planted-vault-token", "planted-instance-token", "planted@example.com", "planted-graphql-token"] {
            for output in [ok.stdout, ok.stderr, failing.stdout, failing.stderr] {
                XCTAssertFalse(output.contains(planted), "\(planted) leaked")
            }
        }
        XCTAssertTrue(ok.stdout.contains(#""token":{"field":"token","format":"plain","path":"secret/gt/test"}"#))
    }
}
