import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest

/// Every rule violation and bad input of gt-desired: the exact message naming file, project and
/// alert; exit 1; no project record on stdout, only an incomplete trailer.
final class DesiredValidationTests: XCTestCase {
    private func assertRefused(_ dir: String, _ expected: String, environment: [String: String] = [:],
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try Tools.run("gt-desired", ["--data", dir], environment: environment)
        XCTAssertEqual(result.status, 1, file: file, line: line)
        XCTAssertEqual(result.stderr, "gt-desired: error: \(dir)\(expected)\n", file: file, line: line)
        let records = try result.records()
        XCTAssertEqual(records.map { $0["kind"]?.stringValue ?? "" }, ["header", "end"], file: file, line: line)
        XCTAssertEqual(records.last?["complete"], false, file: file, line: line)
    }

    private func alert(_ name: String = "errors", quantity: String = "1", timespan: String = "1",
                       recipients: String = "  - provider: email-project-members") -> String {
        """
        - name: \(name)
          description: d
          quantity: \(quantity)
          timespanMinutes: \(timespan)
          recipients:
        \(recipients)
        """
    }

    func testReservedName() throws {
        try assertRefused(try oneProjectDataDirectory(alerts: alert("Glitchtip-Jira-Bridge-Integration")),
                          "/project.yml: project 'web', alert 'Glitchtip-Jira-Bridge-Integration': 'Glitchtip-Jira-Bridge-Integration' alert name is reserved. Please use another name.")
    }

    func testWebhookURLsUniqueAcrossTheProject() throws {
        let hook = "  - provider: webhook\n    url: https://hooks.example.com/x"
        try assertRefused(try oneProjectDataDirectory(alerts: alert("a", recipients: hook) + "\n" + alert("b", recipients: hook)),
                          "/project.yml: project 'web', alert 'b': Glitchtip project alert webhook URLs must be unique across a project. Do not trigger the same webhook twice.")
        // Bridge URLs count too: a user webhook equal to the bridge URL.
        let bridge = "  - provider: webhook\n    url: http://gjb.com/PROJ?"
        try assertRefused(try oneProjectDataDirectory(alerts: alert("a", recipients: bridge), extra: "jira: {project: PROJ}"),
                          "/project.yml: project 'web', alert 'Glitchtip-Jira-Bridge-Integration': Glitchtip project alert webhook URLs must be unique across a project. Do not trigger the same webhook twice.")
    }

    func testDuplicateAlertName() throws {
        try assertRefused(try oneProjectDataDirectory(alerts: alert("a") + "\n" + alert("a")),
                          "/project.yml: project 'web', alert 'a': alert name 'a' is used twice in this project")
    }

    func testWebhookWithoutURL() throws {
        try assertRefused(try oneProjectDataDirectory(alerts: alert(recipients: "  - provider: webhook")),
                          "/project.yml: project 'web', alert 'errors': url or urlSecret must be set for webhook recipient")
    }

    func testEmailWithURL() throws {
        try assertRefused(try oneProjectDataDirectory(alerts: alert(recipients: "  - provider: email-project-members\n    url: https://x.example.com")),
                          "/project.yml: project 'web', alert 'errors': url must be empty for email recipients")
    }

    func testQuantityAndTimespanMustBePositiveIntegers() throws {
        try assertRefused(try oneProjectDataDirectory(alerts: alert(quantity: "0")),
                          "/project.yml: project 'web', alert 'errors': quantity must be a positive integer, got 0")
        try assertRefused(try oneProjectDataDirectory(alerts: alert(timespan: "'5'")),
                          "/project.yml: project 'web', alert 'errors': timespanMinutes must be a positive integer, got \"5\"")
        try assertRefused(try oneProjectDataDirectory(alerts: alert(quantity: "2.5")),
                          "/project.yml: project 'web', alert 'errors': quantity must be a positive integer, got 2.5")
    }

    func testJiraWithoutTarget() throws {
        try assertRefused(try oneProjectDataDirectory(alerts: "[]", extra: "jira: {labels: [x]}"),
                          "/project.yml: project 'web': Jira integration requires either project or escalation policy to be set")
    }

    func testUnsupportedProvider() throws {
        try assertRefused(try oneProjectDataDirectory(alerts: alert(recipients: "  - provider: pagerduty")),
                          "/project.yml: project 'web', alert 'errors': Unsupported type: recipient provider 'pagerduty'")
    }

    func testAlertFromAReferencedFileIsNamedByThatFile() throws {
        let dir = try oneProjectDataDirectory(alerts: "- $ref: /alert.yml", files: ["alert.yml": """
            $schema: /dependencies/glitchtip-project-alert-1.yml
            name: shared
            description: d
            quantity: -3
            timespanMinutes: 1
            recipients: []
            """])
        try assertRefused(dir, "/alert.yml: project 'web', alert 'shared': quantity must be a positive integer, got -3")
    }

    func testBrokenReferenceMissingFieldWrongTypeUnknownField() throws {
        try assertRefused(try oneProjectDataDirectory(alerts: "- $ref: /nowhere.yml"),
                          "/project.yml: alerts[0]: $ref '/nowhere.yml' does not exist")
        try assertRefused(try oneProjectDataDirectory(alerts: "[]", files: ["org.yml": """
            $schema: /dependencies/glitchtip-organization-1.yml
            name: acme
            instance: {$ref: /instance.yml}
            """]), "/org.yml: description: missing required field")
        try assertRefused(try oneProjectDataDirectory(alerts: "[]", extra: "projectId: [1, 2]"),
                          "/project.yml: projectId: expected string, got array")
        try assertRefused(try oneProjectDataDirectory(alerts: "[]", extra: "colour: blue"),
                          "/project.yml: colour: unknown field")
        try assertRefused(try oneProjectDataDirectory(alerts: "[]", files: ["org.yml": """
            $schema: /dependencies/glitchtip-organization-1.yml
            name: acme
            description: acme
            instance: {$ref: /project.yml}
            """]),
                          "/org.yml: instance: $ref '/project.yml' has $schema '/dependencies/glitchtip-project-1.yml', expected '/dependencies/glitchtip-instance-1.yml'")
    }

    func testMalformedYAMLNamesTheFile() throws {
        let dir = try oneProjectDataDirectory(alerts: "[]", files: ["broken.yml": "$schema: /dependencies/glitchtip-project-1.yml\nname: [unclosed\n"])
        let result = try Tools.run("gt-desired", ["--data", dir])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("gt-desired: error: \(dir)/broken.yml: invalid YAML"), result.stderr)
    }

    func testMissingSecretNamesPathAndField() throws {
        let secrets = scratchDirectory().appendingPathComponent("secrets.yml")
        try "gt/other: {url: https://hooks.example.com/planted-webhook-value}\n".write(to: secrets, atomically: true, encoding: .utf8)
        let hook = "  - provider: webhook\n    urlSecret: {path: gt/hooks, field: url}"
        let dir = try oneProjectDataDirectory(alerts: alert(recipients: hook))
        let result = try Tools.run("gt-desired", ["--data", dir], environment: ["GT_SECRETS_FILE": secrets.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "gt-desired: error: secret gt/hooks#url: not in secrets file \(secrets.path)\n")
        XCTAssertFalse(result.stdout.contains("planted-webhook-value") || result.stderr.contains("planted-webhook-value"))

        let noStore = try Tools.run("gt-desired", ["--data", dir])
        XCTAssertEqual(noStore.status, 1)
        XCTAssertTrue(noStore.stderr.contains("secrets are needed (gt/hooks#url) but no secret store is set"), noStore.stderr)
    }

    func testNoSourceIsAUsageError() throws {
        let result = try Tools.run("gt-desired")
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.stderr.contains("no App-Interface source"), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }
}
