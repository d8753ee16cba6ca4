import AppInterface
import GTStreams
import XCTest
@testable import AdoptCore

final class AdoptedSecretTests: XCTestCase {
    typealias F = AdoptionFixture
    let planted = "https://hooks.slack.com/services/T0PLANTED/B0PLANTED/planted-slack-s3cr3t"

    func testAWebhookURLWithACredentialBecomesAUrlSecretUnderTheGivenPrefix() throws {
        let current = F.current([F.live("Slack: SRE!", pk: 4, [("webhook", planted), ("webhook", planted + "2")]),
                                 F.live("plain", pk: 5, [("webhook", "https://alerts.example.com/glitchtip")])])
        let adoption = try F.adopt(current)
        let path = "app-sre/gt-adopted/glitchtip-prod/app-sre/api-gateway"
        XCTAssertEqual(adoption.adopted.map(\.recipients), [
            [.webhookSecret(SecretRef(path: path, field: "slack-sre"), value: planted),
             .webhookSecret(SecretRef(path: path, field: "slack-sre-2"), value: planted + "2")],
            [.webhook(url: "https://alerts.example.com/glitchtip")],
        ])
        XCTAssertEqual(adoption.secrets, [path: ["slack-sre": planted, "slack-sre-2": planted + "2"]])
    }

    func testWithoutASecretPathTheAlertIsLeftOutAndTheURLIsNotShown() throws {
        let adoption = try F.adopt(F.current([F.live("slack", pk: 4, [("webhook", planted)])]),
                                   settings: AdoptionSettings(secretPath: nil, adoptedOn: "2026-12-07"))
        XCTAssertEqual(adoption.adopted, [])
        XCTAssertEqual(adoption.leftOut.count, 1)
        XCTAssertTrue(adoption.leftOut[0].reason.contains("--secret-path"), adoption.leftOut[0].reason)
        XCTAssertFalse(adoption.leftOut[0].description.contains("planted"), adoption.leftOut[0].description)
    }

    func testAFieldTheDatafileAlreadyUsesAtThatPathIsNotReused() throws {
        let path = "app-sre/gt-adopted/glitchtip-prod/app-sre/api-gateway"
        let ref = SecretRef(path: path, field: "slack")
        let declared = F.project([F.declared("older", [.webhook(url: nil, urlSecret: ref)])])
        let adoption = try F.adopt(F.current([F.live("older", pk: 1, [("webhook", planted + "-old")]), F.live("slack", pk: 2, [("webhook", planted)])]),
                                   declared: declared, secrets: [ref: planted + "-old"])
        XCTAssertEqual(adoption.adopted.first?.recipients, [.webhookSecret(SecretRef(path: path, field: "slack-2"), value: planted)])
    }

    func testNoLeftOutReasonShowsAPlantedSecret() throws {
        let long = "https://hooks.slack.com/services/T0/B0/planted-" + String(repeating: "x", count: 2000)
        let current = F.current([F.live("a", pk: 1, [("webhook", planted)]), F.live("b", pk: 2, [("webhook", planted)]),
                                 F.live("c", pk: 3, [("webhook", long)]), F.live("d", pk: 4, [("webhook", "https://HOOKS.slack.com/services/T0/B0/planted-upper")])])
        let adoption = try F.adopt(current)
        XCTAssertEqual(adoption.adopted.map(\.name), ["a"])
        XCTAssertEqual(adoption.leftOut.map(\.name), ["b", "c", "d"])
        for left in adoption.leftOut { XCTAssertFalse(left.description.contains("planted"), left.description) }
    }

    func testWhichURLsCarryACredential() {
        let secret = [
            "https://hooks.slack.com/services/T000/B000/XXXX", "https://discord.com/api/webhooks/1/abc",
            "https://chat.example.com/v1/spaces/X/messages?key=k&token=t", "https://example.com/notify?secret=s",
            "https://example.com/notify?%74oken=s", "https://example.com/notify?X-Signature=s", "https://user:pw@example.com/",
            "https://user@example.com/", "https://outlook.office.com/webhookb2/abc", "https://example.com/hooks/abc",
            "https://example.com/n/3f2a9c1e0b7d4a6f8e5c", "https://example.com/n#frag", "not a url",
            "https://example.com/notify?api_key=1", "https://example.com/notify?auth=1",
        ]
        let plain = ["https://alerts.example.com/glitchtip", "https://example.com/notify?team=sre", "http://10.0.0.1:8080/alert",
                     "https://example.com/a-very-long-but-wordy-path-segment"]
        for url in secret { XCTAssertTrue(CredentialURL.carriesCredential(url), url) }
        for url in plain { XCTAssertFalse(CredentialURL.carriesCredential(url), url) }
    }
}

final class VaultPathTests: XCTestCase {
    func testOnlyPlainVaultPathsAreWritten() {
        for plain in ["app-sre/gt-adopted", "secret/a/b.c/d_e", "m/x"] { XCTAssertTrue(AdoptionSettings.isPlainVaultPath(plain), plain) }
        for odd in ["nomount", "/abs/path", "a//b", "a/../b", "a/./b", "a/-flag", "a/b c", "a/b\nc", "a/b'c", "a/ü", ""] {
            XCTAssertFalse(AdoptionSettings.isPlainVaultPath(odd), odd)
        }
    }

    func testAProjectWhosePathIsNotPlainKeepsItsCredentialedAlertsOut() throws {
        var current = AdoptionFixture.current([AdoptionFixture.live("slack", pk: 1, [("webhook", "https://hooks.slack.com/services/T/B/x")]),
                                               AdoptionFixture.live("mail", pk: 2)])
        current.organizationSlug = ".."
        let adoption = try AdoptionFixture.adopt(current)
        XCTAssertEqual(adoption.adopted.map(\.name), ["mail"])
        XCTAssertTrue(adoption.leftOut.first?.reason.contains("is not a plain path") ?? false, "\(adoption.leftOut)")
    }
}
