import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest

/// Where gt-desired follows the reference's own rules (issue 14): instance defaults, which
/// integration names disable a Jira board, an empty `jira.project`.
final class DesiredConformanceTests: SimulatorTestCase {

    // MARK: - readTimeout / maxRetries: 0 is the default (`read_timeout or 30`, `max_retries or 3`)

    func testZeroTimeoutAndRetriesInTheInstanceRecordAreTheDefaults() async throws {
        let scenario = try await Scenario.make(for: self, desired: ["web": []], current: ["web": []],
                                               readTimeout: 0, maxRetries: 0)
        let desired = try Tools.run("gt-desired", ["--data", scenario.dataDirectory], environment: scenario.environment)
        XCTAssertEqual(desired.status, 0, desired.stderr)
        let instance = try desired.body().first { $0["kind"] == "instance" }
        XCTAssertEqual(instance?["read_timeout"], 30)
        XCTAssertEqual(instance?["max_retries"], 3)
    }

    func testAbsentTimeoutAndRetriesAreTheDefaults() throws {
        // oneProjectDataDirectory's instance declares neither.
        let dir = try oneProjectDataDirectory(alerts: "[]")
        let desired = try Tools.run("gt-desired", ["--data", dir])
        XCTAssertEqual(desired.status, 0, desired.stderr)
        let instance = try desired.body().first { $0["kind"] == "instance" }
        XCTAssertEqual(instance?["read_timeout"], 30)
        XCTAssertEqual(instance?["max_retries"], 3)
    }

    /// gt-current really runs with them: two 500s are retried (3 retries), and a listing that
    /// takes 2.5 s is waited for (30 s, not 1 s). With 0/0 taken literally both fail.
    func testGtCurrentUsesTheDefaultsForZero() async throws {
        let scenario = try await Scenario.make(for: self, desired: ["web": []], current: ["web": []],
                                               readTimeout: 0, maxRetries: 0)
        try await scenario.sim.faults([
            ["method": "GET", "path": "/api/0/organizations/", "action": "status", "status": 500, "times": 2],
            ["method": "GET", "path": "/api/0/projects/nasa/web/alerts/", "action": "slow_body", "delay_ms": 2500],
        ])
        let current = try Tools.run("gt-current", ["--data", scenario.dataDirectory, "--quiet", "--refresh"],
                                    environment: scenario.environment)
        XCTAssertEqual(current.status, 0, current.stderr)
        XCTAssertEqual(try current.body().filter { $0["kind"] == "project" }.count, 1)
        let organizations = try await scenario.sim.requestLog().matching("GET", "/api/0/organizations/")
            .filter { $0["path"] == "/api/0/organizations/" }
        XCTAssertEqual(organizations.count, 3)
    }

    // MARK: - Jira

    /// A data directory whose project has `jira` (YAML flow) and an escalation policy with the
    /// given boards (name → disabled integrations).
    private func jiraDataDirectory(jira: String, boards: [(String, [String])]) throws -> String {
        var files = ["policy.yml": """
            $schema: /app-sre/escalation-policy-1.yml
            name: policy
            description: d
            channels:
              jiraBoard:
            \(boards.map { "  - $ref: /board-\($0.0).yml" }.joined(separator: "\n"))
            """]
        for (name, disabled) in boards {
            files["board-\(name).yml"] = """
                $schema: /dependencies/jira-board-1.yml
                name: \(name)
                \(disabled.isEmpty ? "" : "disable: {integrations: [\(disabled.joined(separator: ", "))]}")
                """
        }
        return try oneProjectDataDirectory(alerts: "[]", extra: "jira: \(jira)", files: files)
    }

    private func bridgeURLs(_ dir: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let result = try Tools.run("gt-desired", ["--data", dir])
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        let project = try result.body().first { $0["kind"] == "project" }
        return (project?["alerts"]?.arrayValue ?? []).flatMap { ($0["recipients"]?.arrayValue ?? []).compactMap { $0["url"]?.stringValue } }
    }

    func testEveryDisablingIntegrationNameTurnsABoardOff() throws {
        let dir = try jiraDataDirectory(jira: "{escalationPolicy: {$ref: /policy.yml}}", boards: [
            ("LIVE", []), ("API", ["glitchtip-project-alerts-api"]), ("VALIDATOR", ["jira-permissions-validator"]),
            ("OLD", ["glitchtip-project-alerts"]), ("OTHER", ["some-other-integration"]),
        ])
        XCTAssertEqual(try bridgeURLs(dir), ["http://gjb.com/LIVE?", "http://gjb.com/OTHER?"])
    }

    func testEmptyJiraProjectIsUnset() throws {
        let dir = try jiraDataDirectory(jira: "{project: '', escalationPolicy: {$ref: /policy.yml}}", boards: [("BOARD", [])])
        XCTAssertEqual(try bridgeURLs(dir), ["http://gjb.com/BOARD?"])
    }

    func testEmptyJiraProjectWithoutPolicyIsRefused() throws {
        let dir = try oneProjectDataDirectory(alerts: "[]", extra: "jira: {project: ''}")
        let result = try Tools.run("gt-desired", ["--data", dir])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr,
                       "gt-desired: error: \(dir)/project.yml: project 'web': Jira integration requires either project or escalation policy to be set\n")
    }
}
