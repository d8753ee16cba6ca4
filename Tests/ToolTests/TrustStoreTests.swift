import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest
import GTHTTP

/// GlitchTip, qontract-server and Vault behind HTTPS signed by a private CA made at test time
/// (README, "Behind a company network"): refused by default, trusted through each variable in
/// its documented order, a wrong CA still refused, an unusable file named with its variable.
final class TrustStoreTests: SimulatorTestCase {

    /// The CA the simulator's certificate comes from, and another one that did not sign it.
    private func authorities() throws -> (ca: TestCertificateAuthority, other: TestCertificateAuthority, dir: URL) {
        let dir = scratchDirectory()
        return (try TestCertificateAuthority(in: dir, name: "ca"), try TestCertificateAuthority(in: dir, name: "other"), dir)
    }

    private func scenario(_ ca: TestCertificateAuthority, in dir: URL) async throws -> Scenario {
        let scenario = try await Scenario.make(for: self, in: dir.appendingPathComponent("scenario"),
                                               desired: ["api": [DeclaredAlert(name: "errors")]],
                                               current: ["api": []], tls: ca)
        return scenario
    }

    private func current(_ scenario: Scenario, _ trust: [String: String]) throws -> ToolResult {
        try Tools.run("gt-current", ["--data", scenario.dataDirectory, "--quiet", "--refresh"],
                      environment: scenario.environment.merging(trust) { $1 })
    }

    private func assertTrusted(_ result: ToolResult, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(result.status, 0, "\(what): \(result.stderr)", file: file, line: line)
        XCTAssertEqual(try result.body().filter { $0["kind"] == "project" }.count, 1, what, file: file, line: line)
    }

    private func assertRefused(_ result: ToolResult, _ what: String, mentions: [String],
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 1, what, file: file, line: line)
        XCTAssertFalse(result.stdout.contains("\"kind\":\"project\""), what, file: file, line: line)
        for text in mentions {
            XCTAssertTrue(result.stderr.contains(text), "\(what): '\(text)' not in: \(result.stderr)", file: file, line: line)
        }
    }

    func testPrivateCAIsRefusedByDefaultWithAClearError() async throws {
        let (ca, _, dir) = try authorities()
        let scenario = try await scenario(ca, in: dir)
        assertRefused(try current(scenario, [:]), "no CA variable",
                      mentions: ["SSL certificate problem", "system's CA store", "GT_CA_BUNDLE"])
        let log = try await scenario.sim.requestLog()
        XCTAssertEqual(log.requests.count, 0, "nothing reached GlitchTip over an unverified connection")
    }

    func testEachVariableTrustsThePrivateCA() async throws {
        let (ca, _, dir) = try authorities()
        let scenario = try await scenario(ca, in: dir)
        let settings: [(String, String)] = [
            ("GT_CA_BUNDLE", ca.caFile), ("GT_CA_PATH", ca.caDirectory),
            ("SSL_CERT_FILE", ca.caFile), ("SSL_CERT_DIR", ca.caDirectory),
            ("CURL_CA_BUNDLE", ca.caFile),
            ("REQUESTS_CA_BUNDLE", ca.caFile), ("REQUESTS_CA_BUNDLE", ca.caDirectory),  // requests takes either
        ]
        for (variable, path) in settings {
            try assertTrusted(try current(scenario, [variable: path]), "\(variable)=\(path)")
        }
    }

    func testTheFirstVariableOfTheOrderWinsAndAWrongCAIsRefused() async throws {
        let (ca, other, dir) = try authorities()
        let scenario = try await scenario(ca, in: dir)
        let order = ["GT_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE"]
        for (index, first) in order.enumerated() {
            assertRefused(try current(scenario, [first: other.caFile]), "\(first) names a CA that did not sign",
                          mentions: ["SSL certificate problem", "\(first)=\(other.caFile)"])
            for later in order[(index + 1)...] {
                assertRefused(try current(scenario, [first: other.caFile, later: ca.caFile]),
                              "\(first) (wrong) before \(later) (right)", mentions: ["\(first)=\(other.caFile)"])
                try assertTrusted(try current(scenario, [first: ca.caFile, later: other.caFile]),
                                  "\(first) (right) before \(later) (wrong)")
            }
        }
        assertRefused(try current(scenario, ["GT_CA_PATH": other.caDirectory]), "GT_CA_PATH of another CA",
                      mentions: ["GT_CA_PATH=\(other.caDirectory)"])
        assertRefused(try current(scenario, ["SSL_CERT_DIR": other.caDirectory, "CURL_CA_BUNDLE": ca.caFile]),
                      "SSL_CERT_DIR (wrong) before CURL_CA_BUNDLE (right)", mentions: ["SSL_CERT_DIR="])
        // A chosen bundle replaces the system store; it does not add to it.
        assertRefused(try current(scenario, ["GT_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt"]),
                      "the system bundle named explicitly", mentions: ["SSL certificate problem"])
    }

    func testAnUnusableCASettingIsAnErrorNamingTheVariableNotAFallback() async throws {
        let (ca, _, dir) = try authorities()
        let scenario = try await scenario(ca, in: dir)
        let notPEM = dir.appendingPathComponent("not-a-cert.pem").path
        try "just text\n".write(toFile: notPEM, atomically: true, encoding: .utf8)
        let unhashed = dir.appendingPathComponent("unhashed").path
        try FileManager.default.createDirectory(atPath: unhashed, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ca.caFile, toPath: unhashed + "/ca.pem")
        let cases: [([String: String], [String])] = [
            // The next variable would work: it is not used, the broken one is reported.
            (["GT_CA_BUNDLE": dir.path + "/missing.pem", "SSL_CERT_FILE": ca.caFile],
             ["GT_CA_BUNDLE=\(dir.path)/missing.pem", "No such file or directory", "never turns certificate verification off"]),
            (["SSL_CERT_FILE": notPEM, "CURL_CA_BUNDLE": ca.caFile], ["SSL_CERT_FILE=\(notPEM)", "holds no PEM certificate"]),
            (["CURL_CA_BUNDLE": ca.caDirectory], ["CURL_CA_BUNDLE=\(ca.caDirectory)", "is a directory"]),
            (["GT_CA_PATH": dir.path + "/missing"], ["GT_CA_PATH=\(dir.path)/missing", "No such file or directory"]),
            (["SSL_CERT_DIR": unhashed], ["SSL_CERT_DIR=\(unhashed)", "openssl rehash"]),
            (["GT_CA_BUNDLE": ca.caFile, "GT_CA_PATH": ca.caFile], ["GT_CA_PATH=\(ca.caFile)", "is not a directory"]),
        ]
        for (environment, mentions) in cases {
            assertRefused(try current(scenario, environment), "\(environment)", mentions: mentions)
        }
        let log = try await scenario.sim.requestLog()
        XCTAssertEqual(log.requests.count, 0)
    }

    func testPipelineOverHTTPSAppliesAndConverges() async throws {
        let (ca, _, dir) = try authorities()
        let scenario = try await scenario(ca, in: dir)
        let trust = ["GT_CA_BUNDLE": ca.caFile]
        let applied = try scenario.pipeline(apply: true, environment: trust)
        XCTAssertEqual(applied.status, 0, applied.stderr)
        let alerts = try await scenario.alerts("api")
        XCTAssertEqual(alerts.map { $0["name"] }, ["errors"])
        let again = try Tools.shell(
            "gt-desired --data '\(scenario.dataDirectory)' | gt-diff <(gt-current --data '\(scenario.dataDirectory)' --quiet --refresh)",
            environment: scenario.environment.merging(trust) { $1 })
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try again.body().filter { $0["kind"] == "action" }.count, 0, "the next plan is empty")
    }

    func testQontractServerOverHTTPS() async throws {
        let (ca, other, dir) = try authorities()
        let sim = try startSimulator(tls: ca)
        let examples = TestPaths.packageRoot.appendingPathComponent("examples/app-interface").path
        let graphql = dir.appendingPathComponent("graphql.json").path
        let derive = try Tools.run("/usr/bin/env", ["python3", "Tests/Fixtures/qontract_from_datadir.py", examples,
                                                    "--bundle", dir.appendingPathComponent("bundle.json").path,
                                                    "--graphql", graphql])
        XCTAssertEqual(derive.status, 0, derive.stderr)
        try await sim.admin(.post, "/__admin/graphql", try JSONValue(parsing: String(contentsOfFile: graphql, encoding: .utf8)))
        let env = ["GT_SECRETS_FILE": TestPaths.packageRoot.appendingPathComponent("examples/secrets.json").path]
        func desired(_ trust: [String: String]) throws -> ToolResult {
            try Tools.run("gt-desired", ["--graphql", sim.baseURL + "/graphql"], environment: env.merging(trust) { $1 })
        }
        assertRefused(try desired([:]), "qontract-server, no CA variable", mentions: ["SSL certificate problem", "GT_CA_BUNDLE"])
        assertRefused(try desired(["GT_CA_BUNDLE": other.caFile]), "qontract-server, wrong CA",
                      mentions: ["GT_CA_BUNDLE=\(other.caFile)"])
        let trusted = try desired(["GT_CA_BUNDLE": ca.caFile])
        XCTAssertEqual(trusted.status, 0, trusted.stderr)
        XCTAssertEqual(try trusted.body().count, 10)
    }

    func testReadmeDocumentsTheOrderTheCodeFollows() throws {
        let readme = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try XCTUnwrap(readme.range(of: "\n## Behind a company network\n"))
        let rest = readme[start.upperBound...]
        let section = String(rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)])
        let positions = TrustStore.variables(for: .glitchTip).map { section.range(of: "`\($0)`")?.lowerBound }
        XCTAssertFalse(positions.contains(nil), "every variable is in the README's section")
        XCTAssertEqual(positions.compactMap { $0 }, positions.compactMap { $0 }.sorted(), "in the order of TrustStore")
        XCTAssertEqual(TrustStore.variables(for: .vault), ["VAULT_CACERT", "VAULT_CAPATH"] + TrustStore.variables(for: .glitchTip))
        for variable in ["VAULT_CACERT", "VAULT_CAPATH", "https_proxy", "HTTPS_PROXY", "http_proxy", "no_proxy"] {
            XCTAssertTrue(section.contains("`\(variable)`"), variable)
        }
    }

    // MARK: - Vault

    private func vault(_ ca: TestCertificateAuthority) async throws -> Simulator {
        let sim = try startSimulator(tls: ca)
        try await sim.admin(.post, "/__admin/vault", [
            "tokens": ["planted-vault-token"], "mounts": ["secret": 2],
            "secrets": ["secret/hooks": [["url": "https://hooks.example.com/from-vault"]]],
        ])
        return sim
    }

    func testVaultHonoursVaultCACertAndCAPathFirst() async throws {
        let (ca, other, _) = try authorities()
        let sim = try await vault(ca)
        let data = try oneProjectDataDirectory(alerts: """
            - name: hook
              description: d
              quantity: 1
              timespanMinutes: 1
              recipients:
              - provider: webhook
                urlSecret: {path: secret/hooks, field: url}
            """)
        func desired(_ trust: [String: String]) throws -> ToolResult {
            try Tools.run("gt-desired", ["--data", data],
                          environment: ["VAULT_ADDR": sim.baseURL, "VAULT_TOKEN": "planted-vault-token"].merging(trust) { $1 })
        }
        func assertVaultTrusted(_ trust: [String: String], file: StaticString = #filePath, line: UInt = #line) throws {
            let result = try desired(trust)
            XCTAssertEqual(result.status, 0, "\(trust): \(result.stderr)", file: file, line: line)
            XCTAssertTrue(result.stdout.contains("https://hooks.example.com/from-vault"), "\(trust)", file: file, line: line)
        }
        assertRefused(try desired([:]), "Vault, no CA variable", mentions: ["SSL certificate problem", "VAULT_CACERT"])
        try assertVaultTrusted(["VAULT_CACERT": ca.caFile])
        try assertVaultTrusted(["VAULT_CAPATH": ca.caDirectory])
        // Vault's own variables come before gt's, as in Vault's CLI; gt's order applies after them.
        try assertVaultTrusted(["VAULT_CACERT": ca.caFile, "GT_CA_BUNDLE": other.caFile])
        assertRefused(try desired(["VAULT_CACERT": other.caFile, "GT_CA_BUNDLE": ca.caFile]), "VAULT_CACERT (wrong) first",
                      mentions: ["VAULT_CACERT=\(other.caFile)"])
        assertRefused(try desired(["VAULT_CAPATH": other.caDirectory]), "VAULT_CAPATH of another CA",
                      mentions: ["VAULT_CAPATH=\(other.caDirectory)"])
        try assertVaultTrusted(["GT_CA_BUNDLE": ca.caFile])
        try assertVaultTrusted(["REQUESTS_CA_BUNDLE": ca.caFile])
        assertRefused(try desired(["VAULT_CACERT": "/nonexistent/vault-ca.pem", "GT_CA_BUNDLE": ca.caFile]),
                      "VAULT_CACERT unreadable", mentions: ["VAULT_CACERT=/nonexistent/vault-ca.pem", "No such file"])
    }
}
