import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// Secrets planted where they really occur (a Slack webhook's path, a Discord webhook's token,
/// a GlitchTip error body that repeats the URL it was sent, a password in an instance's
/// `consoleUrl`) never reach a human output or an error message (docs/streams.md, "Redaction").
final class SecretRedactionTests: SimulatorTestCase {
    private var scenario: Scenario!

    private static let slack = "https://hooks.slack.com/services/T0PLANT/B0PLANT/planted-slack-secret"
    private static let slackForCreate = "https://hooks.slack.com/services/T0PLANT/B0PLANT/planted-create-secret"
    private static let discord = "https://discord.com/api/webhooks/123456/planted-discord-token"
    private static let secrets = ["planted-slack-secret", "planted-create-secret", "planted-discord-token", Scenario.token]

    /// GlitchTip has `a` posting to Discord; App-Interface wants it on Slack, and a new `c` on Slack.
    private func makeScenario() async throws {
        scenario = try await Scenario.make(
            for: self,
            desired: ["web": [DeclaredAlert(name: "a", recipients: [("webhook", Self.slack)]),
                              DeclaredAlert(name: "c", recipients: [("webhook", Self.slackForCreate)])]],
            current: ["web": [SimState.alert("a", recipients: [("discord", Self.discord)])]])
    }

    private func assertNoSecret(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        for secret in Self.secrets {
            XCTAssertFalse(text.contains(secret), "\(what) shows '\(secret)':\n\(text)", file: file, line: line)
        }
    }

    /// What people read of a run: stderr, and the messages of the stream on stdout (its
    /// records carry webhook URLs as data, by design; its messages must not).
    private func messages(_ result: ToolResult) throws -> String {
        var text = result.stderr
        for record in try result.body() {
            for key in ["message", "error"] { text += "\n" + (record[key]?.stringValue ?? "") }
            text += "\n" + (record["errors"]?.arrayValue?.compactMap(\.stringValue).joined(separator: "\n") ?? "")
        }
        return text
    }

    func testTheTextPlanShowsNoPathSecret() async throws {
        try await makeScenario()
        let d = scenario.dataDirectory
        let result = try Tools.shell("""
            gt-desired --data '\(d)' > '\(scenario.directory.path)/desired.ndjson'
            gt-diff --format text --desired '\(scenario.directory.path)/desired.ndjson' <(gt-current --data '\(d)' --quiet)
            gt-diff --desired '\(scenario.directory.path)/desired.ndjson' <(gt-current --data '\(d)' --quiet) | gt-apply --format text
            """, environment: scenario.environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("~ update a: recipients [discord https://discord.com/api/…] → [webhook https://hooks.slack.com/services/…]"),
                      result.stdout)
        XCTAssertTrue(result.stdout.contains("+ create c (quantity 1, timespan 1 min, recipients: [webhook https://hooks.slack.com/services/…])"),
                      result.stdout)
        assertNoSecret(result.stdout + result.stderr, "the text plan")
    }

    func testAnErrorBodyThatEchoesTheURLShowsNoSecret() async throws {
        try await makeScenario()
        let d = scenario.dataDirectory
        let pk = try await scenario.alerts("web")[0]["id"]!.intValue!
        // GlitchTip (or a proxy before it) repeats what it was sent: a string detail on the PUT,
        // pydantic's `input` on the POST.
        try await scenario.sim.faults([
            ["method": "PUT", "path": .string("/api/0/projects/nasa/web/alerts/\(pk)/"), "action": "status", "status": 400, "times": 0,
             "body": ["detail": .string("Enter a valid URL: \(Self.slack)")]],
            ["method": "POST", "path": "/api/0/projects/nasa/web/alerts/", "action": "status", "status": 422, "times": 0,
             "body": ["detail": [["type": "value_error", "loc": ["body", "payload"], "msg": "Value error",
                                  "input": ["name": "c", "alertRecipients": [["recipientType": "webhook", "url": .string(Self.slackForCreate)]]]]]]],
        ])
        let ndjson = try scenario.pipeline(apply: true)
        XCTAssertEqual(ndjson.status, 1, ndjson.stderr)
        let errors = try summary(ndjson)?["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertEqual(errors.count, 2, "\(errors)")
        XCTAssertTrue(errors.contains { $0.contains("HTTP 400: Enter a valid URL: https://hooks.slack.com/services/…") }, "\(errors)")
        XCTAssertTrue(errors.contains { $0.contains("HTTP 422: ") && $0.contains("https://hooks.slack.com/services/…") }, "\(errors)")
        assertNoSecret(try messages(ndjson), "gt-apply's errors")

        let text = try scenario.pipeline(apply: true, applyArguments: "--format text")
        XCTAssertEqual(text.status, 1)
        assertNoSecret(text.stdout + text.stderr, "gt-apply's text report")

        // gt-current: a listing answered with a plain-text 400 that repeats the stored URL.
        try await scenario.sim.admin(.delete, "/__admin/faults")
        try await scenario.sim.faults([["method": "GET", "path": "/api/0/projects/nasa/web/alerts/", "action": "status", "status": 400,
                                        "content_type": "text/plain", "body": .string("bad recipient \(Self.discord)")]])
        let current = try Tools.run("gt-current", ["--data", d, "--refresh"], environment: scenario.environment)
        XCTAssertEqual(current.status, 1)
        let currentMessages = try messages(current)
        XCTAssertTrue(currentMessages.contains("HTTP 400: bad recipient https://discord.com/api/…"), currentMessages)
        assertNoSecret(currentMessages, "gt-current's error")

        try await scenario.sim.admin(.delete, "/__admin/faults")
        XCTAssertEqual(try scenario.pipeline(apply: true).status, 0)
        XCTAssertEqual(try scenario.plan(), [])
    }

    func testAPasswordInTheConsoleURLIsRefusedAndNeverPrinted() async throws {
        try await makeScenario()
        let d = scenario.dataDirectory
        let password = "planted-console-password"
        let instanceFile = d + "/instance.yml"
        let original = try String(contentsOfFile: instanceFile, encoding: .utf8)
        try original.replacingOccurrences(of: "consoleUrl: http://", with: "consoleUrl: http://admin:\(password)@")
            .write(toFile: instanceFile, atomically: true, encoding: .utf8)

        for tool in ["gt-desired", "gt-current"] {
            let result = try Tools.run(tool, ["--data", d], environment: scenario.environment)
            XCTAssertEqual(result.status, 1, tool + ": " + result.stdout)
            XCTAssertTrue(result.stderr.contains("instance.yml"), result.stderr)
            XCTAssertTrue(result.stderr.contains("consoleUrl: must not carry a user name or password (http://…@127.0.0.1:"), result.stderr)
            XCTAssertFalse(result.stdout.contains(password) || result.stderr.contains(password), "\(tool):\n\(result.stdout)\n\(result.stderr)")
        }
        let pipeline = try scenario.pipeline(apply: true)
        XCTAssertEqual(pipeline.status, 1)
        XCTAssertFalse(pipeline.stdout.contains(password) || pipeline.stderr.contains(password), pipeline.stdout + pipeline.stderr)
        let mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 0)

        // A stream written elsewhere that carries one is refused by its reader, without echoing it.
        let instance = #"{"console_url":"http://admin:\#(password)@127.0.0.1:1","kind":"instance","max_retries":3,"name":"gt","read_timeout":30,"token":{"field":"token","path":"gt/creds"}}"#
        for (tool, stream, arguments) in [("gt-diff", "desired", ["-"]), ("gt-apply", "actions", [])] {
            let input = [#"{"generator":"test","kind":"header","stream":"\#(stream)","version":1}"#, instance,
                         #"{"complete":true,"errors":0,"kind":"end","records":1,"stats":{},"stream":"\#(stream)"}"#].joined(separator: "\n") + "\n"
            let current = scenario.directory.appendingPathComponent("current.ndjson").path
            try input.replacingOccurrences(of: #""stream":"desired""#, with: #""stream":"current""#)
                .write(toFile: current, atomically: true, encoding: .utf8)
            let result = try Tools.run(tool, tool == "gt-diff" ? [current] : arguments, stdin: input, environment: scenario.environment)
            XCTAssertEqual(result.status, 1, tool + ": " + result.stdout)
            XCTAssertTrue(result.stderr.contains("line 2: console_url: must not carry a user name or password"), tool + ": " + result.stderr)
            XCTAssertFalse(result.stdout.contains(password) || result.stderr.contains(password), "\(tool):\n\(result.stdout)\n\(result.stderr)")
        }

        try original.write(toFile: instanceFile, atomically: true, encoding: .utf8)
        XCTAssertEqual(try scenario.pipeline(apply: true).status, 0)
        XCTAssertEqual(try scenario.plan(), [])
    }
}
