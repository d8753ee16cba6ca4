import XCTest
@testable import GTStreams
@testable import GTGlitchTip
@testable import GTCLI

/// Webhook URLs carry secrets in their paths (Slack, Discord) as well as in userinfo and query:
/// human output shows only scheme, host and a plain first path segment, and text a server sends
/// back is scrubbed of anything URL-like (docs/streams.md, "Redaction").
final class RedactionTests: XCTestCase {
    func testDisplayKeepsOnlyAPlainFirstPathSegment() {
        let cases: [(String, String)] = [
            ("https://hooks.slack.com/services/T0AAA/B0BBB/planted-slack-secret", "https://hooks.slack.com/services/…"),
            ("https://discord.com/api/webhooks/123456/planted-discord-token", "https://discord.com/api/…"),
            ("https://hooks.example.com/Zx9plantedToken", "https://hooks.example.com/…"),
            ("https://hooks.example.com/plantedtokenwithoutdigitsbutlong", "https://hooks.example.com/…"),
            ("https://hooks.example.com/Zx9plantedToken/more", "https://hooks.example.com/…"),
            ("https://user:pw@hooks.example.com/services/T0/B0/s?token=t#f", "https://…@hooks.example.com/services/…?…"),
            ("https://gjb.example/alert/PROJ?token=t", "https://gjb.example/alert/…?…"),
            ("https://chat.googleapis.com/v1/spaces/AAA/messages?key=k", "https://chat.googleapis.com/v1/…?…"),
            ("https://x.example/a", "https://x.example/a"),
            ("https://x.example/a/", "https://x.example/a/"),
            ("https://x.example/", "https://x.example/"),
            ("https://x.example", "https://x.example"),
            ("not a url", "…"),
            ("", ""),
        ]
        for (url, shown) in cases { XCTAssertEqual(RedactedURL.display(url), shown, url) }
    }

    func testScrubRedactsEveryURLLikeWordOfAnEchoedBody() {
        let secret = "planted-echo-secret"
        let bodies = [
            #"{"detail":"Enter a valid URL: https://hooks.slack.com/services/T0/B0/\#(secret)"}"#,
            #"{"detail":[{"input":{"alertRecipients":[{"recipientType":"webhook","url":"https://discord.com/api/webhooks/1/\#(secret)"}]},"loc":["body"]}]}"#,
            #"url=https:\/\/hooks.slack.com\/services\/T0\/B0\/\#(secret) rejected"#,
            "bad url (https://user:\(secret)@hooks.example.com/x)",
            "hooks.slack.com/services/T0/B0/\(secret) is not reachable",
            "user:\(secret)@hooks.example.com:8443/x?token=\(secret)",
            "next=https%3A%2F%2Fhooks.slack.com%2Fservices%2FT0%2FB0%2F\(secret)",
            "'http://10.0.0.1/\(secret)'",
        ]
        for body in bodies {
            let scrubbed = RedactedURL.scrub(body)
            XCTAssertFalse(scrubbed.contains(secret), scrubbed)
            XCTAssertTrue(scrubbed.contains("…"), scrubbed)
        }
        XCTAssertEqual(RedactedURL.scrub(#"{"detail":"Enter a valid URL: https://hooks.slack.com/services/T0/B0/x"}"#),
                       #"{"detail":"Enter a valid URL: https://hooks.slack.com/services/…"}"#)
        // Text without a URL in it is left alone: statuses, API paths, file paths, versions.
        for text in ["Not Found", "HTML page 'Server Error (500)'", "/api/0/projects/nasa/web/alerts/ not found",
                     "read ./plan.ndjson and /tmp/a/b.ndjson", "GlitchTip 5.1.2 says no", "a.b"] {
            XCTAssertEqual(RedactedURL.scrub(text), text)
        }
    }

    func testAnHTTPErrorScrubsTheBodyItQuotes() {
        let error = HTTPError.status(400, url: RedactedURL("http://127.0.0.1:1/api/0/projects/nasa/web/alerts/"),
                                     detail: "Enter a valid URL: https://hooks.slack.com/services/T0/B0/planted-echo-secret")
        XCTAssertEqual(error.description,
                       "http://127.0.0.1:1/api/0/projects/nasa/web/alerts/: HTTP 400: Enter a valid URL: https://hooks.slack.com/services/…")
    }

    func testAnInstanceRecordWithAPasswordInItsConsoleURLIsRefused() throws {
        let record: JSONValue = ["kind": "instance", "name": "gt", "console_url": "https://admin:planted-console-pw@glitchtip.example.com",
                                 "token": ["path": "p", "field": "f"]]
        XCTAssertThrowsError(try InstanceRecord(JSONField(record))) { error in
            XCTAssertFalse("\(error)".contains("planted-console-pw"), "\(error)")
            XCTAssertTrue("\(error)".contains("console_url: must not carry a user name or password (https://…@glitchtip.example.com)"), "\(error)")
        }
        XCTAssertNoThrow(try InstanceRecord(JSONField(["kind": "instance", "name": "gt", "console_url": "https://glitchtip.example.com",
                                                       "token": ["path": "p", "field": "f"]])))
    }
}
