import XCTest
@testable import GTStreams
@testable import GTGlitchTip
@testable import GTCLI
@testable import GTHTTP

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

    /// GlitchTip reads `\` as `/` and takes any number of slashes after `https:` (WHATWG): so
    /// does redaction, so a secret path written with backslashes never shows as a host name.
    func testDisplayReadsABackslashAsASlash() {
        let cases: [(String, String)] = [
            (#"https://hooks.slack.example.com\services\T000\B000\PlantedSecret"#, "https://hooks.slack.example.com/services/…"),
            (#"https:\\hooks.slack.example.com\services\T000\B000\PlantedSecret"#, "https://hooks.slack.example.com/services/…"),
            (#"https:/\hooks.example.com/Zx9PlantedSecret"#, "https://hooks.example.com/…"),
            ("https:hooks.example.com/services/T0/B0/PlantedSecret", "https://hooks.example.com/services/…"),
            ("https:/hooks.example.com/x/PlantedSecret", "https://hooks.example.com/x/…"),
            (#"HTTPS://Hooks.Example.com:8443\Zx9PlantedSecret?token=t"#, "HTTPS://Hooks.Example.com:8443/…?…"),
            (#"https://h.example/services\T0\PlantedSecret"#, "https://h.example/services/…"),
            (#"https://user:pw@hooks.example.com\x\PlantedSecret"#, "https://…@hooks.example.com/x/…"),
            // A password holding `\` or `/` ends the host where GlitchTip reads one: the part
            // before it is not shown as a host.
            (#"https://user:Planted\Secret@hooks.example.com/x"#, "https://…/…"),
            ("https://user:Planted/Secret@hooks.example.com/x", "https://…/…"),
            ("https://PlantedSecret/x@hooks.example.com/", "https://…/…/"),
            ("https://Planted Secret.example/x", "https://…/x"),
            // `/` and a combining mark after it are one Character in Swift and still a `/` to
            // GlitchTip: the split is by code points, so the host ends there (found by fuzz-url).
            ("https://hooks.example.com/\u{301}services/T0/PlantedSecret", "https://hooks.example.com/…"),
            ("https://hooks.example.com/\u{301}x:-/discord.com/PlantedSecret", "https://hooks.example.com/…"),
        ]
        for (url, shown) in cases {
            XCTAssertEqual(RedactedURL.display(url), shown, url)
            XCTAssertFalse(RedactedURL.display(url).contains("Planted"), url)
        }
    }

    func testScrubRedactsURLsWrittenWithBackslashesOrWithoutSlashes() {
        let secret = "planted-echo-secret"
        let bodies = [
            #"{"detail":"Enter a valid URL: https://hooks.slack.com\services\T0\B0\\#(secret)"}"#,
            #"{"url":"https:\\\\hooks.slack.com\\services\\T0\\B0\\\#(secret)"}"#,
            #"Input should be a valid URL [input_value='https:hooks.slack.com/services/T0/B0/\#(secret)']"#,
            "https:/hooks.slack.com/services/T0/B0/\(secret)",
            #"hooks.slack.com\services\T0\B0\\#(secret) is not reachable"#,
            "next=https%3A%5C%5Chooks.slack.com%5Cservices%5C\(secret)",
            "next=https%3A%2Fhooks.slack.com%2Fservices%2F\(secret)",
            "next=https%3Ahooks.slack.com%2Fservices%2F\(secret)",
        ]
        for body in bodies {
            let scrubbed = RedactedURL.scrub(body)
            XCTAssertFalse(scrubbed.contains(secret), scrubbed)
            XCTAssertTrue(scrubbed.contains("…"), scrubbed)
        }
        XCTAssertEqual(RedactedURL.scrub(#"bad: https://hooks.slack.com\services\T0\B0\x (400)"#), "bad: https://hooks.slack.com/services/… (400)")
    }

    /// URLParts splits an http(s) URL where GlitchTip does: any slashes after the scheme, the
    /// authority ended by `\` as by `/`.
    func testURLPartsOfASpecialURL() {
        let parts = URLParts(#"HTTPS:\\u:p@Hooks.Example.com:8443\a\b?q=\x#f"#)
        XCTAssertEqual(parts.scheme, "HTTPS")
        XCTAssertEqual(parts.userinfo, "u:p")
        XCTAssertEqual(parts.hostPort, "Hooks.Example.com:8443")
        XCTAssertEqual(parts.path, #"\a\b"#)
        XCTAssertEqual(parts.query, #"q=\x"#)
        XCTAssertEqual(parts.fragment, "f")
        XCTAssertEqual(URLParts("https:h.example/x").hostPort, "h.example")
        // Other schemes keep needing `//` for an authority.
        XCTAssertEqual(URLParts("redis:h.example/x").scheme, "")
        XCTAssertEqual(URLParts(#"unix:\\h/x"#).scheme, "")
    }

    func testAnInstanceRecordWithAPasswordInItsConsoleURLIsRefused() throws {
        let record: JSONValue = ["kind": "instance", "name": "gt", "console_url": "https://admin:planted-console-pw@glitchtip.example.com",
                                 "token": ["path": "p", "field": "f"]]
        XCTAssertThrowsError(try InstanceRecord(JSONField(record))) { error in
            XCTAssertFalse("\(error)".contains("planted-console-pw"), "\(error)")
            XCTAssertTrue("\(error)".contains("console_url: must not carry a user name or password (https://…@glitchtip.example.com)"), "\(error)")
        }
        // libcurl reads `\` as part of the user info (WHATWG and URLParts as a path): the
        // token would go to evil.example.com. Refused whatever the reader.
        for url in [#"https://glitchtip.example.com\@evil.example.com"#, #"https://glitchtip.example.com\x"#] {
            let record: JSONValue = ["kind": "instance", "name": "gt", "console_url": .string(url), "token": ["path": "p", "field": "f"]]
            XCTAssertThrowsError(try InstanceRecord(JSONField(record)), url) { error in
                XCTAssertTrue("\(error)".contains("console_url: must not contain '\\'"), "\(error)")
            }
        }
        XCTAssertNoThrow(try InstanceRecord(JSONField(["kind": "instance", "name": "gt", "console_url": "https://glitchtip.example.com",
                                                       "token": ["path": "p", "field": "f"]])))
    }
}
