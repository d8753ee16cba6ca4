import AppInterface
import DesiredCore
import GTStreams
import XCTest

/// The rules of one declared alert (docs/rules.md, "Desired state"), in process: each violation's
/// exact message, naming the alert's file, the project and the alert.
final class AlertRuleTests: XCTestCase {
    private typealias M = DesiredModel

    private func errors(_ alerts: [AppInterfaceModel.Alert], secrets: [SecretRef: String] = [:],
                        file: StaticString = #filePath, line: UInt = #line) -> [String] {
        M.errors(M.build(M.project(alerts: alerts), secrets: secrets), file: file, line: line)
    }

    func testTheBridgeAlertNameIsReserved() {
        XCTAssertEqual(errors([M.alert("Glitchtip-Jira-Bridge-Integration")]), [
            "alerts/Glitchtip-Jira-Bridge-Integration.yml: project 'web', alert 'Glitchtip-Jira-Bridge-Integration': "
                + "'Glitchtip-Jira-Bridge-Integration' alert name is reserved. Please use another name.",
        ])
        // Only that exact name: case matters.
        XCTAssertNotNil(M.record(M.build(M.project(alerts: [M.alert("glitchtip-jira-bridge-integration")]))))
    }

    func testAnAlertNameOncePerProject() {
        XCTAssertEqual(errors([M.alert("a"), M.alert("b"), M.alert("a")]), [
            "alerts/a.yml: project 'web', alert 'a': alert name 'a' is used twice in this project",
        ])
    }

    func testQuantityAndTimespanArePositiveIntegers() {
        let bad: [(JSONValue, String)] = [
            (.int(0), "0"), (.int(-3), "-3"), (.string("5"), "\"5\""), (.double(2.5), "2.5"), (.bool(true), "true"), (.null, "null"),
        ]
        for (value, shown) in bad {
            XCTAssertEqual(errors([M.alert("q", quantity: value)]),
                           ["alerts/q.yml: project 'web', alert 'q': quantity must be a positive integer, got \(shown)"])
            XCTAssertEqual(errors([M.alert("t", timespan: value)]),
                           ["alerts/t.yml: project 'web', alert 't': timespanMinutes must be a positive integer, got \(shown)"])
        }
        // Both wrong: both reported, quantity first.
        XCTAssertEqual(errors([M.alert("b", quantity: .int(0), timespan: .int(0))]), [
            "alerts/b.yml: project 'web', alert 'b': quantity must be a positive integer, got 0",
            "alerts/b.yml: project 'web', alert 'b': timespanMinutes must be a positive integer, got 0",
        ])
        let record = M.record(M.build(M.project(alerts: [M.alert("ok", quantity: .int(1), timespan: .int(1440))])))
        XCTAssertEqual(record?.alerts.map { [$0.quantity, $0.timespanMinutes] }, [[1, 1440]])
    }

    func testAnEmailRecipientHasNoURL() {
        XCTAssertEqual(errors([M.alert("mail", [.email(url: "https://x.example.com")])]),
                       ["alerts/mail.yml: project 'web', alert 'mail': url must be empty for email recipients"])
        // Absent or empty is no URL; the record's is empty.
        let record = M.record(M.build(M.project(alerts: [M.alert("a", [.email(url: nil)]), M.alert("b", [.email(url: "")])])))
        XCTAssertEqual(record?.alerts.flatMap(\.recipients), [RecipientRecord(type: "email", url: ""), RecipientRecord(type: "email", url: "")])
    }

    func testAWebhookTakesItsURLElseItsSecretsValue() {
        let first = SecretRef(path: "gt/hooks", field: "first")
        let second = SecretRef(path: "gt/hooks", field: "second")
        let project = M.project(alerts: [
            M.alert("plain", [.webhook(url: "https://hooks.example.com/plain", urlSecret: first)]),
            M.alert("empty", [.webhook(url: "", urlSecret: first)]),
            M.alert("absent", [.webhook(url: nil, urlSecret: second)]),
        ])
        // `url` wins over `urlSecret`; empty or absent, the secret's value is used.
        let secrets = [first: "https://hooks.example.com/1", second: "https://hooks.example.com/2"]
        XCTAssertEqual(M.record(M.build(project, secrets: secrets))?.alerts.map { "\($0.name) \($0.recipients.map(\.url))" }, [
            "absent [\"https://hooks.example.com/2\"]", "empty [\"https://hooks.example.com/1\"]",
            "plain [\"https://hooks.example.com/plain\"]",
        ])
    }

    func testAWebhookWithoutURLOrSecretValueIsRefused() {
        let secret = SecretRef(path: "gt/hooks", field: "web")
        let message = "project 'web', alert 'w': url or urlSecret must be set for webhook recipient"
        // Neither set; a secret whose value is missing; a secret whose value is empty.
        XCTAssertEqual(errors([M.alert("w", [.webhook(url: nil, urlSecret: nil)])]), ["alerts/w.yml: \(message)"])
        XCTAssertEqual(errors([M.alert("w", [.webhook(url: "", urlSecret: secret)])]), ["alerts/w.yml: \(message)"])
        XCTAssertEqual(errors([M.alert("w", [.webhook(url: nil, urlSecret: secret)])], secrets: [secret: ""]), ["alerts/w.yml: \(message)"])
    }

    func testAnUnsupportedProviderIsRefusedByName() {
        XCTAssertEqual(errors([M.alert("p", [.email(url: nil), .unsupported(provider: "pagerduty")])]),
                       ["alerts/p.yml: project 'web', alert 'p': Unsupported type: recipient provider 'pagerduty'"])
    }

    func testEveryViolationOfTheProjectIsReportedInOrder() {
        XCTAssertEqual(errors([
            M.alert("b", quantity: .int(0), [.unsupported(provider: "slack")]),
            M.alert("a", [.email(url: "x")]),
            M.alert("b"),
        ]), [
            "alerts/b.yml: project 'web', alert 'b': quantity must be a positive integer, got 0",
            "alerts/b.yml: project 'web', alert 'b': Unsupported type: recipient provider 'slack'",
            "alerts/a.yml: project 'web', alert 'a': url must be empty for email recipients",
            "alerts/b.yml: project 'web', alert 'b': alert name 'b' is used twice in this project",
        ])
    }
}
