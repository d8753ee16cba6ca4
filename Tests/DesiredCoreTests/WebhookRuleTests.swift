import AppInterface
import DesiredCore
import GTStreams
import XCTest

/// Webhook URLs across a project (docs/rules.md, "Desired state" and "Webhook URLs"): each once,
/// the bridge's included; within GlitchTip's 2,000 characters (docs/architecture.md, "Recipient
/// URL length"); normalised as GlitchTip stores them.
final class WebhookRuleTests: XCTestCase {
    private typealias M = DesiredModel
    private let unique = "Glitchtip project alert webhook URLs must be unique across a project. Do not trigger the same webhook twice."

    func testAWebhookURLOncePerProjectEvenWithinOneAlert() {
        let hook = M.webhook("https://hooks.example.com/x")
        XCTAssertEqual(M.errors(M.build(M.project(alerts: [M.alert("a", [hook]), M.alert("b", [.email(url: nil), hook])]))),
                       ["web.yml: project 'web', alert 'b': \(unique)"])
        XCTAssertEqual(M.errors(M.build(M.project(alerts: [M.alert("a", [hook, hook])]))),
                       ["web.yml: project 'web', alert 'a': \(unique)"])
        // Compared as normalised: these two are one URL to GlitchTip.
        XCTAssertEqual(M.errors(M.build(M.project(alerts: [
            M.alert("a", [M.webhook("HTTPS://Hooks.Example.com:443/x")]), M.alert("b", [hook]),
        ]))), ["web.yml: project 'web', alert 'b': \(unique)"])
        // The same URL in two projects is fine.
        XCTAssertNotNil(M.record(M.build(M.project(alerts: [M.alert("a", [hook])]))))
    }

    func testTheBridgeURLCountsAmongTheProjectsWebhooks() {
        let jira = AppInterfaceModel.Jira(project: "PROJ", components: [], labels: [], escalationPolicy: nil)
        let project = M.project(alerts: [M.alert("a", [M.webhook("http://gjb.com/PROJ?")])], jira: jira)
        XCTAssertEqual(M.errors(M.build(project, secrets: [:])), ["web.yml: project 'web', alert 'Glitchtip-Jira-Bridge-Integration': \(unique)"])
        // With the token the bridge URL differs, so the pair is accepted.
        XCTAssertNotNil(M.record(M.build(project)))
    }

    /// Every URL gt sends is ASCII (non-ASCII is percent-encoded as UTF-8, an internationalised
    /// host is refused), so the limit counts the encoded form: `é` is six characters, `%C3%A9`.
    func testTheURLLimitCountsNonASCIIAsSent() {
        func url(_ characters: Int) -> String {
            let head = "https://h.example/"
            return head + String(repeating: "é", count: (characters - head.count) / 6) + String(repeating: "a", count: (characters - head.count) % 6)
        }
        let accepted = M.record(M.build(M.project(alerts: [M.alert("a", [M.webhook(url(2000))])])))
        XCTAssertEqual(accepted?.alerts.first?.recipients.first?.url.count, 2000)
        XCTAssertEqual(M.errors(M.build(M.project(alerts: [M.alert("a", [M.webhook(url(2001))])]))), [
            "alerts/a.yml: project 'web', alert 'a': a webhook URL is 2001 characters long; GlitchTip stores at most 2000 "
                + "(it would create the alert without recipients and fail every later update)",
        ])
        XCTAssertEqual(M.errors(M.build(M.project(alerts: [M.alert("a", [M.webhook("https://é.example/x")])]))), [
            "alerts/a.yml: project 'web', alert 'a': a webhook URL (https://é.example/x) cannot be used: its host is an "
                + "internationalised domain name (non-ASCII or xn--): gt does not reproduce GlitchTip's IDNA processing",
        ])
    }

    func testTheLimitIsCountedOnTheURLAsSent() {
        // 1,998 characters as declared; a space in the path is sent as `%20`: 2,000.
        func declared(spaces: Int) -> String {
            "https://h.example.com/" + String(repeating: " ", count: spaces) + String(repeating: "a", count: 1998 - 23)
        }
        XCTAssertEqual(declared(spaces: 1).count, 1998)
        let sent = M.record(M.build(M.project(alerts: [M.alert("a", [M.webhook(declared(spaces: 1))])])))?.alerts.first?.recipients.first?.url
        XCTAssertEqual(sent?.count, 2000)
        XCTAssertEqual(M.errors(M.build(M.project(alerts: [M.alert("a", [M.webhook(declared(spaces: 2))])]))).first?
            .hasPrefix("alerts/a.yml: project 'web', alert 'a': a webhook URL is 2003 characters long"), true)
    }

    func testALongBridgeURLIsRefusedAtTheProject() {
        let jira = AppInterfaceModel.Jira(project: String(repeating: "P", count: 2000), components: [], labels: [], escalationPolicy: nil)
        XCTAssertEqual(M.errors(M.build(M.project(jira: jira))), [
            "web.yml: project 'web', alert 'Glitchtip-Jira-Bridge-Integration': a webhook URL is 2028 characters long; "
                + "GlitchTip stores at most 2000 (it would create the alert without recipients and fail every later update)",
        ])
    }

    func testWebhookURLsAreNormalisedAsGlitchTipStoresThem() {
        let vectors = [
            ("HTTPS://Hooks.Example.com", "https://hooks.example.com/"),
            ("https://hooks.example.com/a b?x=1&y=ä#frag", "https://hooks.example.com/a%20b?x=1&y=%C3%A4#frag"),
            ("https://user:pw@Discord.com:443/api/webhooks/1/", "https://user:pw@discord.com/api/webhooks/1/"),
            ("http://Example.com:80", "http://example.com/"),
            (#"https://Hooks.Slack.Example.com\services\T000\B000\MixedCase"#, "https://hooks.slack.example.com/services/T000/B000/MixedCase"),
        ]
        let project = M.project(alerts: vectors.enumerated().map { i, vector in M.alert("a\(i)", [M.webhook(vector.0)]) })
        XCTAssertEqual(M.record(M.build(project))?.alerts.flatMap { $0.recipients.map(\.url) }, vectors.map(\.1))
        // A secret's value is normalised too.
        let secret = SecretRef(path: "gt/hooks", field: "web")
        let fromSecret = M.project(alerts: [M.alert("s", [.webhook(url: nil, urlSecret: secret)])])
        XCTAssertEqual(M.record(M.build(fromSecret, secrets: [secret: "HTTPS://Hooks.Example.com"]))?.alerts.first?.recipients.first?.url,
                       "https://hooks.example.com/")
        // What GlitchTip would refuse is refused here, naming the secret rather than showing it.
        XCTAssertEqual(M.errors(M.build(fromSecret, secrets: [secret: "not a url"])), [
            "alerts/s.yml: project 'web', alert 's': the webhook URL in secret gt/hooks#web cannot be used: "
                + "it is not an absolute http:// or https:// URL",
        ])
    }
}
