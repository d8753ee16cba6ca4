import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// gt-desired writes a webhook URL as GlitchTip stores it, `\` read as `/` and the path's case
/// kept, or refuses it naming file, project and alert (docs/rules.md, "Webhook URLs"); the
/// simulator stores what pydantic would, so a run converges: the next plan is empty.
final class WebhookURLNormalisationTests: SimulatorTestCase {

    static let secretPath = "T000/B000/PlantedMixedCaseSecret"
    static let backslashURL = #"https://Hooks.Slack.Example.com\services\T000\B000\PlantedMixedCaseSecret"#

    private func alert(_ recipients: String) -> String {
        "- name: errors\n  description: d\n  quantity: 1\n  timespanMinutes: 1\n  recipients:\n\(recipients)"
    }

    func testABackslashURLIsWrittenAsGlitchTipStoresIt() throws {
        let dir = try oneProjectDataDirectory(alerts: alert("  - provider: webhook\n    url: '\(Self.backslashURL)'"))
        let result = try Tools.run("gt-desired", ["--data", dir])
        XCTAssertEqual(result.status, 0, result.stderr)
        let project = try XCTUnwrap(result.body().first { $0["kind"] == "project" })
        let url = project["alerts"]?.arrayValue?.first?["recipients"]?.arrayValue?.first?["url"]?.stringValue
        XCTAssertEqual(url, "https://hooks.slack.example.com/services/" + Self.secretPath)
    }

    func testAURLGtDoesNotReproduceIsRefusedNamingFileProjectAndAlert() throws {
        let dir = try oneProjectDataDirectory(alerts: alert("  - provider: webhook\n    url: 'https://[::1]:8443/hook/planted-path-secret'"))
        let result = try Tools.run("gt-desired", ["--data", dir])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "gt-desired: error: \(dir)/project.yml: project 'web', alert 'errors': a webhook URL "
            + "(https://[::1]:8443/hook/…) cannot be used: its host is an IPv6 address (or has a bracket): gt does not "
            + "reproduce how GlitchTip stores one\n")
        XCTAssertEqual(try result.body().count, 0)
        XCTAssertEqual(try result.trailer()?["complete"], false)
    }

    /// Every refusal is reported (one build, every violation), and a URL from a secret is named
    /// by the secret's reference, never shown.
    func testURLsFromSecretsAreRefusedByTheirReference() throws {
        let secrets = scratchDirectory().appendingPathComponent("secrets.json")
        try #"{"gt/hooks": {"url": "https://hooks.example.com:99999/planted-secret-value"}}"#
            .write(to: secrets, atomically: true, encoding: .utf8)
        let dir = try oneProjectDataDirectory(alerts: alert("""
              - provider: webhook
                urlSecret: {path: gt/hooks, field: url}
              - provider: webhook
                url: 'ftp://files.example.com/x'
              - provider: webhook
                url: 'https://Bücher.example/hook'
            """))
        let result = try Tools.run("gt-desired", ["--data", dir], environment: ["GT_SECRETS_FILE": secrets.path])
        XCTAssertEqual(result.status, 1)
        let prefix = "gt-desired: error: \(dir)/project.yml: project 'web', alert 'errors': "
        XCTAssertEqual(result.stderr.split(separator: "\n").map(String.init), [
            prefix + "the webhook URL in secret gt/hooks#url cannot be used: its port is above 65535",
            prefix + "a webhook URL (ftp://files.example.com/x) cannot be used: its scheme is not http or https (GlitchTip takes no other)",
            prefix + "a webhook URL (https://Bücher.example/hook) cannot be used: its host is an internationalised domain name "
                + "(non-ASCII or xn--): gt does not reproduce GlitchTip's IDNA processing",
        ])
        XCTAssertFalse(result.stderr.contains("planted-secret-value") || result.stderr.contains("hooks.example.com"), result.stderr)
    }

    /// End to end against the simulator (which stores what pydantic stores): the backslash URL
    /// is created in GlitchTip's form with its secret's case intact, the plan never shows the
    /// secret, and the second run plans nothing.
    func testABackslashURLConverges() async throws {
        let scenario = try await Scenario.make(for: self, desired: [
            "web": [DeclaredAlert(name: "hook", recipients: [("webhook", Self.backslashURL)])],
        ], current: ["web": []])
        let first = try scenario.pipeline(apply: true)
        XCTAssertEqual(first.status, 0, first.stderr)
        let stored = try await scenario.alerts("web").first?["alertRecipients"]?.arrayValue?.first?["url"]?.stringValue
        XCTAssertEqual(stored, "https://hooks.slack.example.com/services/" + Self.secretPath)

        let d = scenario.dataDirectory
        let text = try Tools.shell("gt-desired --data '\(d)' | gt-diff --format text <(gt-current --data '\(d)' --quiet --refresh)",
                                   environment: scenario.environment)
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertEqual(text.stdout, "No changes.\n")
        XCTAssertEqual(try scenario.plan().count, 0)
        let second = try scenario.pipeline(apply: true)
        XCTAssertEqual(second.status, 0, second.stderr)
        let mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 1, "one create, nothing after it")
        // Streams carry URLs whole (docs/streams.md); what people read does not.
        for output in [first.stderr, text.stdout, second.stderr] {
            XCTAssertFalse(output.lowercased().contains("plantedmixedcasesecret"), output)
        }
    }

    /// The plan of a changed backslash URL shows it redacted like any other.
    func testThePlanShowsABackslashURLRedacted() async throws {
        let scenario = try await Scenario.make(for: self, desired: [
            "web": [DeclaredAlert(name: "hook", recipients: [("webhook", Self.backslashURL)])],
        ], current: ["web": []])
        let d = scenario.dataDirectory
        let text = try Tools.shell("gt-desired --data '\(d)' | gt-diff --format text <(gt-current --data '\(d)' --quiet)",
                                   environment: scenario.environment)
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("+ create hook (quantity 1, timespan 1 min, recipients: "
            + "[webhook https://hooks.slack.example.com/services/…])"), text.stdout)
        XCTAssertFalse(text.stdout.lowercased().contains("plantedmixedcasesecret"), text.stdout)
    }
}
