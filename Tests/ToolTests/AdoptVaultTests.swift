import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// `gt-adopt --vault-write`: the webhook URLs with credentials go into Vault (the simulator's,
/// KV v2), the patch names them, the pipeline reads them back and plans nothing; a field Vault
/// already holds with another value stops the run before anything is written (docs/adoption.md, "Secrets").
final class AdoptVaultTests: SimulatorTestCase {
    private func vaultScenario() async throws -> (Scenario, [String: String]) {
        let scenario = try await AdoptFixture.scenario(for: self)
        try await scenario.sim.admin(.post, "/__admin/vault", [
            "tokens": ["planted-vault-token"], "mounts": ["gt": 2, "secret": 2],
            "secrets": ["gt/creds": [["token": .string(Scenario.token), "email": "bot@example.com"]]],
        ])
        var env = scenario.environment
        env["VAULT_ADDR"] = scenario.sim.baseURL
        env["VAULT_TOKEN"] = "planted-vault-token"
        return (scenario, env)
    }

    func testTheURLsGoToVaultAndThePipelineReadsThemBack() async throws {
        let (scenario, env) = try await vaultScenario()
        let dir = scenario.directory.path
        let adopt = try Tools.shell("""
            cd '\(dir)' && git init -q . && gt-current --data data --quiet > current.ndjson \
            && gt-adopt --data data --secret-path secret/gt-adopted --vault-write current.ndjson > adopt.patch && git apply adopt.patch
            """, environment: env)
        XCTAssertEqual(adopt.status, 0, adopt.stderr)
        XCTAssertTrue(adopt.stderr.contains("gt-adopt: secret/gt-adopted/gt/nasa/web: ui-slack-sre written to Vault"), adopt.stderr)
        XCTAssertTrue(adopt.stderr.contains("gt-adopt: secret/gt-adopted/gt/nasa/api: ui-chat written to Vault"), adopt.stderr)
        let patch = try String(contentsOfFile: "\(dir)/adopt.patch", encoding: .utf8)
        for output in [patch, adopt.stdout, adopt.stderr] {
            for planted in AdoptFixture.planted { XCTAssertFalse(output.contains(planted), planted) }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(dir)/gt-adopt-secrets"), "no commands file with --vault-write")
        let vault = try await scenario.sim.admin(.get, "/__admin/vault")["secrets"]
        XCTAssertEqual(vault?["secret/gt-adopted/gt/nasa/web"]?.arrayValue?.last?["ui-slack-sre"]?.stringValue, AdoptFixture.plantedSlack)

        let plan = try Tools.shell("cd '\(dir)' && gt-desired --data data | gt-diff <(gt-current --data data --quiet --refresh)", environment: env)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let actions = try plan.body().filter { $0["kind"] == "action" }
        XCTAssertEqual(Set(actions.compactMap { $0["alert_name"]?.stringValue }), ["twice", "uptime-only"])
    }

    func testAFieldVaultHoldsWithAnotherValueStopsTheRunBeforeAnythingIsWritten() async throws {
        let (scenario, env) = try await vaultScenario()
        try await scenario.sim.admin(.post, "/__admin/vault", [
            "tokens": ["planted-vault-token"], "mounts": ["gt": 2, "secret": 2],
            "secrets": ["gt/creds": [["token": .string(Scenario.token), "email": "bot@example.com"]],
                        "secret/gt-adopted/gt/nasa/web": [["ui-slack-sre": "planted-other-value"]]],
        ])
        let dir = scenario.directory.path
        let adopt = try Tools.shell("cd '\(dir)' && gt-current --data data --quiet | gt-adopt --data data --secret-path secret/gt-adopted --vault-write --write",
                                    environment: env)
        XCTAssertEqual(adopt.status, 1, adopt.stderr)
        XCTAssertTrue(adopt.stderr.contains("secret/gt-adopted/gt/nasa/web"), adopt.stderr)
        XCTAssertFalse(adopt.stderr.contains("planted-other-value") || adopt.stderr.contains("planted-slack"), adopt.stderr)
        let vault = try await scenario.sim.admin(.get, "/__admin/vault")["secrets"]
        XCTAssertEqual(vault?["secret/gt-adopted/gt/nasa/web"]?.arrayValue?.count, 1, "the secret was overwritten")
        let web = try String(contentsOfFile: "\(scenario.dataDirectory)/projects/web.yml", encoding: .utf8)
        XCTAssertFalse(web.contains("ui-email"), "a datafile was written although a secret could not be")
    }
}
