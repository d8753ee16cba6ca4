import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest

/// A webhook URL longer than GlitchTip's 2,000-character column is refused by gt-desired (file,
/// project and alert named): the real server would answer 500 and leave the alert created with
/// no recipients, and every later run would fail its update.
final class RecipientURLLimitTests: SimulatorTestCase {

    /// `https://hooks.example.com/` followed by `x`s up to `length` characters.
    private func url(length: Int) -> String {
        let base = "https://hooks.example.com/"
        return base + String(repeating: "x", count: length - base.count)
    }

    private func alert(_ recipients: String) -> String {
        "- name: errors\n  description: d\n  quantity: 1\n  timespanMinutes: 1\n  recipients:\n\(recipients)"
    }

    func testAURLOf2000CharactersIsAccepted() throws {
        let dir = try oneProjectDataDirectory(alerts: alert("  - provider: webhook\n    url: \(url(length: 2000))"))
        let result = try Tools.run("gt-desired", ["--data", dir])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func testALongerURLIsRefusedNamingFileProjectAndAlert() throws {
        let dir = try oneProjectDataDirectory(alerts: alert("  - provider: webhook\n    url: \(url(length: 2001))"))
        let result = try Tools.run("gt-desired", ["--data", dir])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "gt-desired: error: \(dir)/project.yml: project 'web', alert 'errors': a webhook URL is "
            + "2001 characters long; GlitchTip stores at most 2000 (it would create the alert without recipients and fail every later update)\n")
        XCTAssertEqual(try result.body().count, 0)
        XCTAssertEqual(try result.trailer()?["complete"], false)
    }

    /// The URL may come from a secret: it is refused the same way and never printed.
    func testALongSecretURLIsRefusedWithoutShowingIt() throws {
        let secrets = scratchDirectory().appendingPathComponent("secrets.json")
        let planted = url(length: 2100)
        try #"{"gt/hooks": {"url": "\#(planted)"}}"#.write(to: secrets, atomically: true, encoding: .utf8)
        let dir = try oneProjectDataDirectory(alerts: alert("  - provider: webhook\n    urlSecret: {path: gt/hooks, field: url}"))
        let result = try Tools.run("gt-desired", ["--data", dir], environment: ["GT_SECRETS_FILE": secrets.path])
        XCTAssertEqual(result.status, 1)
        // Beyond the 2,083 characters GlitchTip's parser reads, the URL is refused as written,
        // named by its secret.
        XCTAssertTrue(result.stderr.contains("project 'web', alert 'errors': the webhook URL in secret gt/hooks#url cannot be used: "
            + "it is 2100 characters long as written; GlitchTip's URL parser takes at most 2083"), result.stderr)
        XCTAssertFalse(result.stderr.contains("hooks.example.com") || result.stdout.contains("hooks.example.com"))
    }

    /// Percent-encoding happens before the count: the URL as GlitchTip would store it is what
    /// must fit.
    func testTheLengthIsCountedAfterNormalisation() throws {
        // Spaces inside the path (trailing ones GlitchTip strips): 727 characters, 2127 encoded.
        let spaces = "https://hooks.example.com/" + String(repeating: " ", count: 700) + "x"
        let dir = try oneProjectDataDirectory(alerts: alert("  - provider: webhook\n    url: '\(spaces)'"))
        let result = try Tools.run("gt-desired", ["--data", dir])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("a webhook URL is 2127 characters long"), result.stderr)
    }

    /// Jira bridge URLs count too (labels make them long).
    func testALongJiraBridgeURLIsRefused() throws {
        let labels = (0..<200).map { "label-\($0)" }.joined(separator: ", ")
        let dir = try oneProjectDataDirectory(alerts: "[]", extra: "jira: {project: PROJ, labels: [\(labels)]}")
        let result = try Tools.run("gt-desired", ["--data", dir])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("gt-desired: error: \(dir)/project.yml: project 'web', alert 'Glitchtip-Jira-Bridge-Integration': "
            + "a Jira bridge URL (http://gjb.com/…?…) cannot be used: it is 3309 characters long as written"), result.stderr)
    }

    /// End to end: the pipeline stops at gt-desired and GlitchTip is not touched; with the URL
    /// fixed, one run applies and the next plan is empty.
    func testThePipelineChangesNothingAndConvergesOnceFixed() async throws {
        let long = url(length: 2001)
        let scenario = try await Scenario.make(for: self, desired: [
            "web": [DeclaredAlert(name: "hook", recipients: [("webhook", long)])],
        ], current: ["web": []])
        let refused = try scenario.pipeline(apply: true)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("alert 'hook': a webhook URL is 2001 characters long"), refused.stderr)
        let mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 0)
        let alerts = try await scenario.alerts("web")
        XCTAssertEqual(alerts.count, 0)

        let file = URL(fileURLWithPath: scenario.dataDirectory).appendingPathComponent("projects/web.yml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: long, with: url(length: 2000)).write(to: file, atomically: true, encoding: .utf8)
        let applied = try scenario.pipeline(apply: true)
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertEqual(try scenario.plan().count, 0)
    }
}
