import AppInterface
import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// gt-desired, run as a built binary: sources, rules, secrets, exact messages.
final class DesiredTests: SimulatorTestCase {

    private let examples = TestPaths.packageRoot.appendingPathComponent("examples/app-interface").path
    private let secretsFile = TestPaths.packageRoot.appendingPathComponent("examples/secrets.json").path

    private func projects(_ result: ToolResult) throws -> [String: JSONValue] {
        var byName: [String: JSONValue] = [:]
        for record in try result.body() where record["kind"] == "project" {
            byName[record["name"]!.stringValue!] = record
        }
        return byName
    }

    // MARK: - Sources give identical streams

    func testDataBundleAndGraphQLGiveByteIdenticalStreams() async throws {
        let dir = scratchDirectory()
        let bundle = dir.appendingPathComponent("bundle.json").path
        let graphql = dir.appendingPathComponent("graphql.json").path
        let derive = try Tools.run("/usr/bin/env", ["python3", "Tests/Fixtures/qontract_from_datadir.py", examples,
                                                    "--bundle", bundle, "--graphql", graphql])
        XCTAssertEqual(derive.status, 0, derive.stderr)

        let env = ["GT_SECRETS_FILE": secretsFile]
        let fromData = try Tools.run("gt-desired", ["--data", examples], environment: env)
        XCTAssertEqual(fromData.status, 0, fromData.stderr)
        let fromBundle = try Tools.run("gt-desired", ["--bundle", bundle], environment: env)
        XCTAssertEqual(fromBundle.status, 0, fromBundle.stderr)

        let sim = try startSimulator()
        var answers = try JSONValue(parsing: String(contentsOfFile: graphql, encoding: .utf8))
        if case .object(var fields) = answers { fields["token"] = "qontract-t0ken"; answers = .object(fields) }
        try await sim.admin(.post, "/__admin/graphql", answers)
        let fromGraphQL = try Tools.run("gt-desired", ["--graphql", sim.baseURL + "/graphql"],
                                        environment: env.merging(["GT_GRAPHQL_TOKEN": "qontract-t0ken"]) { $1 })
        XCTAssertEqual(fromGraphQL.status, 0, fromGraphQL.stderr)

        func withoutTrailer(_ r: ToolResult) -> String { r.stdout.split(separator: "\n").dropLast().joined(separator: "\n") }
        XCTAssertEqual(withoutTrailer(fromData), withoutTrailer(fromBundle))
        XCTAssertEqual(withoutTrailer(fromData), withoutTrailer(fromGraphQL))
        XCTAssertEqual(try fromData.body().count, 10)  // 2 instances, 8 projects
        let graphqlRequests = try await sim.requestLog().matching("POST", "/graphql")
        XCTAssertEqual(graphqlRequests.count, 2)
        // Without the token, qontract-server refuses, and so does gt-desired.
        let refused = try Tools.run("gt-desired", ["--graphql", sim.baseURL + "/graphql"], environment: env)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("HTTP 401"), refused.stderr)
    }

    func testExamplesBuildTheDocumentedAlerts() throws {
        let result = try Tools.run("gt-desired", ["--data", examples, "--instance", "glitchtip-prod"],
                                   environment: ["GT_SECRETS_FILE": secretsFile])
        XCTAssertEqual(result.status, 0, result.stderr)
        let byName = try projects(result)
        XCTAssertEqual(Set(byName.keys), ["api-gateway", "billing-worker", "console-ui", "checkout", "fraud-detector", "ledger"])
        XCTAssertEqual(byName["fraud-detector"]?["project"], "fraud")  // projectId wins over slugify(name)
        XCTAssertEqual(byName["ledger"]?["alerts"], [])
        let checkout = byName["checkout"]!["alerts"]!.arrayValue!
        let bridge = checkout.first { $0["name"] == "Glitchtip-Jira-Bridge-Integration" }!
        // Two enabled boards (PAY-LEGACY is disabled): one alert, one webhook per board.
        XCTAssertEqual(bridge["recipients"]?.arrayValue?.compactMap { $0["url"]?.stringValue }, [
            "https://jira-bridge.example.com/api/v1/alert/PAY?labels=checkout&labels=payments-escalation&components=checkout&components=card+payments&token=bridge-t0ken%2F%2B%3D&issue_type=Bug",
            "https://jira-bridge.example.com/api/v1/alert/PAYOPS?labels=checkout&labels=payments-escalation&components=checkout&components=card+payments&token=bridge-t0ken%2F%2B%3D&issue_type=Incident",
        ])
        // Upper-case host normalised the way GlitchTip stores it.
        XCTAssertTrue(result.stdout.contains("https://hooks.slack.example.com/services/T000/B000/gateway"))
        XCTAssertEqual(try result.body().filter { $0["kind"] == "instance" }.count, 1)
        XCTAssertEqual(try result.trailer()?["complete"], true)
    }

    // MARK: - qontract-reconcile's desired-state vectors (docs/rules.md, "Desired state") over GraphQL

    private func referenceGraphQL(projects: JSONValue) async throws -> Simulator {
        let sim = try startSimulator()
        let instances: JSONValue = ["instances": [[
            "name": "glitchtip-dev", "description": "dev", "consoleUrl": "https://glitchtip.example.com",
            "automationUserEmail": ["path": "gt/dev", "field": "email"], "automationToken": ["path": "gt/dev", "field": "token"],
            "readTimeout": nil, "maxRetries": nil, "mailDomain": nil, "glitchtipJiraBridgeAlertUrl": "http://gjb.com",
            "glitchtipJiraBridgeToken": ["path": "gt/gjb", "field": "token", "version": nil, "format": nil],
        ]]]
        try await sim.admin(.post, "/__admin/graphql", ["responses": [
            ["match": "glitchtip_instances_v1", "data": instances],
            ["match": "glitchtip_projects_v1", "data": projects],
        ]])
        return sim
    }

    /// The secret reader of the reference tests: "secret" for every secret, but a webhook URL,
    /// which gt-desired refuses unless GlitchTip would take it (docs/rules.md, "Webhook URLs"):
    /// there it is a URL ending in "secret", written with a backslash and upper case that
    /// GlitchTip reads as `/secret`.
    private func everySecretIsSecret() throws -> String {
        let path = scratchDirectory().appendingPathComponent("secrets.json").path
        try #"{"gt/dev": {"token": "secret", "email": "secret"}, "gt/gjb": {"token": "secret"}, "observatory/glitchtip/webhook": {"url": "HTTPS://Hooks.Example.org\\secret"}, "ecret/glitchtip/webhook-url": {"url": "HTTPS://Hooks.Example.org\\secret"}}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The project's own qontract-server answer (Tests/Fixtures/app-interface-graphql).
    private var fixtureProjects: JSONValue {
        get throws {
            let yaml = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent(
                "Tests/Fixtures/app-interface-graphql/glitchtip_projects.yml"), encoding: .utf8)
            return try YAMLDocument.parse(yaml)
        }
    }

    func testGraphQLFixtureBuildsTheDesiredState() async throws {
        let sim = try await referenceGraphQL(projects: fixtureProjects)
        let result = try Tools.run("gt-desired", ["--graphql", sim.baseURL + "/graphql"],
                                   environment: ["GT_SECRETS_FILE": try everySecretIsSecret()])
        XCTAssertEqual(result.status, 0, result.stderr)
        let byName = try projects(result)
        XCTAssertEqual(Set(byName.keys), ["telescope", "quiet", "dome-board", "dome-project",
                                          "board-disabled-legacy", "board-disabled-validator"])
        for project in byName.values {
            XCTAssertEqual(project["organization"], "Observatory")
            XCTAssertEqual(project["instance"], "glitchtip-dev")
            XCTAssertEqual(project["project"], project["name"])
        }
        func alerts(_ name: String) -> [JSONValue] { byName[name]!["alerts"]!.arrayValue! }
        XCTAssertEqual(alerts("telescope"), [
            ["name": "focus-drift", "timespan_minutes": 15, "quantity": 3,
             "recipients": [["recipient_type": "email", "url": ""], ["recipient_type": "webhook", "url": "https://hooks.example.org/"]]],
            ["name": "shutter-stuck", "timespan_minutes": 5, "quantity": 1,
             "recipients": [["recipient_type": "webhook", "url": "https://hooks.example.org/secret"]]],
        ])
        XCTAssertEqual(alerts("quiet"), [])
        XCTAssertEqual(alerts("dome-board"), [
            ["name": "Glitchtip-Jira-Bridge-Integration", "timespan_minutes": 1, "quantity": 1, "recipients": [[
                "recipient_type": "webhook",
                "url": "http://gjb.com/DOME?labels=observatory&labels=dome&labels=policy-label&components=dome&token=secret&issue_type=Task",
            ]]],
            ["name": "motor-stall", "timespan_minutes": 10, "quantity": 4, "recipients": [["recipient_type": "email", "url": ""]]],
        ])
        XCTAssertEqual(alerts("dome-project"), [
            ["name": "Glitchtip-Jira-Bridge-Integration", "timespan_minutes": 1, "quantity": 1, "recipients": [[
                "recipient_type": "webhook",
                "url": "http://gjb.com/DOMEOPS?labels=observatory&components=motors&components=shutter&token=secret",
            ]]],
        ])
        XCTAssertEqual(alerts("board-disabled-legacy"), [])
        XCTAssertEqual(alerts("board-disabled-validator"), [])
    }

    func testDuplicatedWebhookIsRefused() async throws {
        // telescope's first alert appended again under another name: the same webhook twice.
        guard case .object(var root) = try fixtureProjects, case .array(var projects)? = root["glitchtip_projects"],
              case .object(var telescope) = projects[0], case .array(var alerts)? = telescope["alerts"]
        else { return XCTFail("fixture shape") }
        var copy = alerts[0]
        if case .object(var fields) = copy { fields["name"] = "focus-drift-again"; copy = .object(fields) }
        alerts.append(copy)
        telescope["alerts"] = .array(alerts)
        projects[0] = .object(telescope)
        root["glitchtip_projects"] = .array(projects)
        let sim = try await referenceGraphQL(projects: .object(root))
        let result = try Tools.run("gt-desired", ["--graphql", sim.baseURL + "/graphql"],
                                   environment: ["GT_SECRETS_FILE": try everySecretIsSecret()])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr,
                       "gt-desired: error: graphql glitchtip_projects[0]: project 'telescope', alert 'focus-drift-again': Glitchtip project alert webhook URLs must be unique across a project. Do not trigger the same webhook twice.\n")
        XCTAssertEqual(try result.body().count, 0)
        XCTAssertEqual(try result.trailer()?["complete"], false)
    }

    /// An optional extra: the reference's own fixture (qontract-reconcile's project_alerts.yml), when a
    /// copy lies beside the checkout (`../shared` or GT_SHARED_DIR); skipped, and says so, otherwise.
    func testReferenceFixtureBuildsTheReferenceDesiredStateWhenPresent() async throws {
        let file = TestPaths.qontractFixtures.appendingPathComponent(
            "qontract-reconcile/reconcile/test/fixtures/glitchtip/project_alerts.yml")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw XCTSkip("optional: no reference fixture at \(file.path) (GT_SHARED_DIR)")
        }
        let sim = try await referenceGraphQL(projects: try YAMLDocument.parse(String(contentsOf: file, encoding: .utf8)))
        let result = try Tools.run("gt-desired", ["--graphql", sim.baseURL + "/graphql"],
                                   environment: ["GT_SECRETS_FILE": try everySecretIsSecret()])
        XCTAssertEqual(result.status, 0, result.stderr)
        let byName = try projects(result)
        XCTAssertEqual(Set(byName.keys), ["example", "no-alerts", "jira-board-and-alerts", "jira-project",
                                          "integration-disabled", "jira-permissions-validator-disabled"])
        func alerts(_ name: String) -> [JSONValue] { byName[name]!["alerts"]!.arrayValue! }
        XCTAssertEqual(alerts("example"), [
            ["name": "example-1", "timespan_minutes": 2, "quantity": 2,
             "recipients": [["recipient_type": "email", "url": ""], ["recipient_type": "webhook", "url": "https://example.com/"]]],
            ["name": "example-2", "timespan_minutes": 2, "quantity": 2,
             "recipients": [["recipient_type": "webhook", "url": "https://hooks.example.org/secret"]]],
        ])
        XCTAssertEqual(alerts("jira-board-and-alerts").first?["recipients"]?.arrayValue?.first?["url"],
                       "http://gjb.com/JIRA-VIA-BOARD?labels=example-label-1&labels=example-label-2&labels=escalation-label-1&labels=escalation-label-2&components=jira-component&token=secret&issue_type=CustomIssueType")
        XCTAssertEqual(alerts("jira-project").first?["recipients"]?.arrayValue?.first?["url"],
                       "http://gjb.com/JIRA-VIA-PROJECT?labels=example-label-1&labels=example-label-2&components=jira-component-1&components=jira-component-2&token=secret")
        XCTAssertEqual(alerts("integration-disabled"), [])
        XCTAssertEqual(alerts("jira-permissions-validator-disabled"), [])
    }

    func testJiraBridgeEmptyListAndTokenOnlyForms() async throws {
        func board(_ name: String, disabled: [String] = []) -> JSONValue {
            ["name": .string(name), "issueType": nil, "disable": disabled.isEmpty ? nil : ["integrations": .array(disabled.map { .string($0) })]]
        }
        func project(_ name: String, boards: [JSONValue]) -> JSONValue {
            ["name": .string(name), "projectId": nil, "organization": ["name": "NASA", "instance": ["name": "glitchtip-dev"]],
             "alerts": nil, "jira": ["project": nil, "components": nil, "labels": nil,
                                     "escalationPolicy": ["channels": ["jiraBoard": .array(boards), "jiraComponents": nil, "jiraLabels": nil]]]]
        }
        let sim = try await referenceGraphQL(projects: ["glitchtip_projects": [
            project("plain", boards: [board("BOARD")]),
            project("several", boards: [board("A"), board("B", disabled: ["glitchtip-project-alerts-api"]), board("C")]),
            project("all-disabled", boards: [board("X", disabled: ["glitchtip-project-alerts"]), board("Y", disabled: ["jira-permissions-validator"])]),
        ]])
        // With the token: token only; without a bridge token: a bare "?".
        let withToken = try Tools.run("gt-desired", ["--graphql", sim.baseURL + "/graphql"],
                                      environment: ["GT_SECRETS_FILE": try everySecretIsSecret()])
        XCTAssertEqual(withToken.status, 0, withToken.stderr)
        let byName = try projects(withToken)
        func urls(_ name: String) -> [String] {
            byName[name]!["alerts"]!.arrayValue!.flatMap { $0["recipients"]!.arrayValue!.map { $0["url"]!.stringValue! } }
        }
        XCTAssertEqual(urls("plain"), ["http://gjb.com/BOARD?token=secret"])
        XCTAssertEqual(urls("several"), ["http://gjb.com/A?token=secret", "http://gjb.com/C?token=secret"])
        XCTAssertEqual(byName["several"]!["alerts"]!.arrayValue!.count, 1)
        XCTAssertEqual(urls("all-disabled"), [])

        let secrets = scratchDirectory().appendingPathComponent("s.json").path
        try #"{"gt/gjb": {"token": ""}}"#.write(toFile: secrets, atomically: true, encoding: .utf8)
        let noToken = try Tools.run("gt-desired", ["--graphql", sim.baseURL + "/graphql"], environment: ["GT_SECRETS_FILE": secrets])
        XCTAssertEqual(noToken.status, 0, noToken.stderr)
        XCTAssertTrue(noToken.stdout.contains(#""url":"http://gjb.com/BOARD?""#), noToken.stdout)
    }
}

