import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// A desired stream written by hand (or filtered) may hold recipients the reference's request
/// model refuses (HTTP 422): a webhook without a URL, an e-mail recipient with one. gt-diff
/// refuses such a record, naming the line, the project and the alert, and plans nothing
/// (docs/streams.md, "Recipients of a desired alert").
final class DesiredRecipientValidationTests: XCTestCase {
    private func diff(recipients: String) throws -> ToolResult {
        let desired = [
            #"{"generator":"test","kind":"header","stream":"desired","version":1}"#,
            #"{"console_url":"https://glitchtip.example.com","kind":"instance","max_retries":3,"name":"gt","read_timeout":30,"token":{"field":"token","format":"plain","path":"gt/creds"}}"#,
            #"{"alerts":[{"name":"x","quantity":1,"recipients":[\#(recipients)],"timespan_minutes":1}],"instance":"gt","kind":"project","name":"web","organization":"nasa","project":"web"}"#,
            #"{"complete":true,"errors":0,"kind":"end","records":2,"stats":{},"stream":"desired"}"#,
        ]
        let current = [
            #"{"generator":"test","kind":"header","stream":"current","version":1}"#,
            #"{"alerts":[],"instance":"gt","kind":"project","name":"web","organization":"nasa","organization_slug":"nasa","project":"web"}"#,
            #"{"complete":true,"errors":0,"kind":"end","records":1,"stats":{},"stream":"current"}"#,
        ]
        return try diffHandWritten(desired: desired, current: current)
    }

    func testInvalidRecipientsAreRefusedWithTheirLine() throws {
        let cases: [(String, String)] = [
            (#"{"recipient_type":"webhook","url":""}"#, "a webhook recipient needs a url (it is missing or empty)"),
            (#"{"recipient_type":"webhook"}"#, "a webhook recipient needs a url (it is missing or empty)"),
            (#"{"recipient_type":"email","url":""},{"recipient_type":"discord","url":""}"#, "a discord recipient needs a url"),
            (#"{"recipient_type":"email","url":"https://hooks.example.com/planted-email-url"}"#,
             "an email recipient must have an empty url"),
        ]
        for (recipients, problem) in cases {
            let result = try diff(recipients: recipients)
            XCTAssertEqual(result.status, 1, recipients + "\n" + result.stdout)
            XCTAssertTrue(result.stderr.contains("desired (") && result.stderr.contains(
                "stream, line 3: project gt/nasa/web, alert 'x': \(problem)"), result.stderr)
            XCTAssertFalse(result.stderr.contains("planted-email-url"), result.stderr)
            XCTAssertEqual(try result.trailer()?["complete"], false, result.stdout)
            XCTAssertFalse(try result.body().contains { $0["kind"] == "action" }, result.stdout)
        }
    }

    /// A URL not in GlitchTip's stored form would be planned as changed on every run (GlitchTip
    /// answers with its own form), and one it would refuse or read otherwise must not be sent:
    /// both are refused, the URL never quoted (docs/rules.md, "Webhook URLs").
    func testURLsNotInGlitchTipsFormAreRefusedWithTheirLine() throws {
        let notStored = "url is not written as GlitchTip stores it (gt-desired writes that form; any other shows as changed on every run)"
        let cases: [(String, String)] = [
            (#"{"recipient_type":"webhook","url":"https://hooks.example.com\\planted-path-secret"}"#, "a webhook recipient's " + notStored),
            (#"{"recipient_type":"webhook","url":"https://Hooks.example.com/planted-path-secret"}"#, "a webhook recipient's " + notStored),
            (#"{"recipient_type":"discord","url":"https://discord.example.com"}"#, "a discord recipient's " + notStored),
            (#"{"recipient_type":"webhook","url":"https://[::1]/planted-path-secret"}"#,
             "a webhook recipient's url cannot be used: its host is an IPv6 address"),
            (#"{"recipient_type":"webhook","url":"planted-path-secret"}"#,
             "a webhook recipient's url cannot be used: it is not an absolute http:// or https:// URL"),
        ]
        for (recipients, problem) in cases {
            let result = try diff(recipients: recipients)
            XCTAssertEqual(result.status, 1, recipients + "\n" + result.stdout)
            XCTAssertTrue(result.stderr.contains("stream, line 3: project gt/nasa/web, alert 'x': \(problem)"), result.stderr)
            XCTAssertFalse(result.stderr.contains("planted-path-secret"), result.stderr)
            XCTAssertFalse(try result.body().contains { $0["kind"] == "action" }, result.stdout)
        }
    }

    func testValidRecipientsArePlanned() throws {
        let result = try diff(recipients: #"{"recipient_type":"email","url":""},{"recipient_type":"email"},"#
                              + #"{"recipient_type":"webhook","url":"https://hooks.example.com/x"}"#)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try result.body().filter { $0["kind"] == "action" }.map { $0["action_type"] }, ["create"])
    }
}
