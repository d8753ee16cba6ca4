import AppInterface
import DesiredCore
import GTStreams
import XCTest

/// The Jira bridge alert (docs/rules.md, "The Jira bridge alert"): the exact URLs, parameter order
/// and encoding, a project against an escalation policy's boards, disabled boards, and how the
/// alert joins the project's record.
final class JiraBridgeTests: XCTestCase {
    private typealias M = DesiredModel
    private typealias Jira = AppInterfaceModel.Jira

    private func board(_ name: String, issueType: String? = nil, disabled: [String] = []) -> AppInterfaceModel.JiraBoard {
        AppInterfaceModel.JiraBoard(name: name, issueType: issueType, disabledIntegrations: disabled)
    }

    private func policy(_ boards: [AppInterfaceModel.JiraBoard], components: [String] = [], labels: [String] = [])
        -> AppInterfaceModel.EscalationPolicy {
        AppInterfaceModel.EscalationPolicy(jiraBoards: boards, jiraComponents: components, jiraLabels: labels)
    }

    private func urls(_ jira: Jira, bridge: String = "http://gjb.com", token: String? = "secret",
                      file: StaticString = #filePath, line: UInt = #line) -> [String] {
        do { return try JiraBridge.urls(jira: jira, bridgeURL: bridge, token: token) } catch {
            XCTFail("refused: \(error.message)", file: file, line: line)
            return []
        }
    }

    func testTheReferenceVectors() {
        let viaProject = Jira(project: "JIRA-VIA-PROJECT", components: ["jira-component-1", "jira-component-2"],
                              labels: ["example-label-1", "example-label-2"], escalationPolicy: nil)
        XCTAssertEqual(urls(viaProject), [
            "http://gjb.com/JIRA-VIA-PROJECT?labels=example-label-1&labels=example-label-2&components=jira-component-1"
                + "&components=jira-component-2&token=secret",
        ])
        // Through a board: the project's labels then the policy's, the policy's components only
        // (the project's are ignored), the token, then the board's issue type.
        let viaBoard = Jira(project: nil, components: ["ignored-component"], labels: ["example-label-1", "example-label-2"],
                            escalationPolicy: policy([board("JIRA-VIA-BOARD", issueType: "CustomIssueType")], components: ["jira-component"],
                                                     labels: ["escalation-label-1", "escalation-label-2"]))
        XCTAssertEqual(urls(viaBoard), [
            "http://gjb.com/JIRA-VIA-BOARD?labels=example-label-1&labels=example-label-2&labels=escalation-label-1"
                + "&labels=escalation-label-2&components=jira-component&token=secret&issue_type=CustomIssueType",
        ])
    }

    func testAProjectWinsOverAnEscalationPolicy() {
        let jira = Jira(project: "PROJ", components: [], labels: [], escalationPolicy: policy([board("BOARD")]))
        XCTAssertEqual(urls(jira), ["http://gjb.com/PROJ?token=secret"])
    }

    func testOneURLPerEnabledBoardInBoardOrder() {
        let names = ["glitchtip-project-alerts", "glitchtip-project-alerts-api", "jira-permissions-validator"]
        let jira = Jira(project: nil, components: [], labels: [], escalationPolicy: policy(
            [board("ONE", issueType: "Task")] + names.map { board("OFF-\($0)", disabled: ["other", $0]) }
                + [board("TWO", disabled: ["some-other-integration"])]))
        XCTAssertEqual(urls(jira), ["http://gjb.com/ONE?token=secret&issue_type=Task", "http://gjb.com/TWO?token=secret"])
        // Each of the three names alone turns its board off; every board off gives no URL, no error.
        for name in names {
            let off = Jira(project: nil, components: [], labels: [], escalationPolicy: policy([board("B", disabled: [name])]))
            XCTAssertEqual(urls(off), [], name)
        }
    }

    func testTokenEmptyOrAbsentGivesNoParameterAndABareQuestionMark() {
        let jira = Jira(project: nil, components: [], labels: [], escalationPolicy: policy([board("BOARD")]))
        XCTAssertEqual(urls(jira, token: nil), ["http://gjb.com/BOARD?"])
        XCTAssertEqual(urls(jira, token: ""), ["http://gjb.com/BOARD?"])
        XCTAssertEqual(urls(jira), ["http://gjb.com/BOARD?token=secret"])
    }

    func testParametersAreFormEncodedAndTheBaseIsUsedAsWritten() {
        let jira = Jira(project: "PROJ", components: ["a b"], labels: ["ü/&="], escalationPolicy: nil)
        XCTAssertEqual(urls(jira, bridge: "http://gjb.com/alert/", token: "p+q=r/s"),
                       ["http://gjb.com/alert//PROJ?labels=%C3%BC%2F%26%3D&components=a+b&token=p%2Bq%3Dr%2Fs"])
        XCTAssertEqual(JiraBridge.quotePlus("Az09-._~ +%#?"), "Az09-._~+%2B%25%23%3F")
    }

    func testNeitherProjectNorBoardsIsRefused() {
        let message = "Jira integration requires either project or escalation policy to be set"
        XCTAssertEqual(JiraBridge.missingTarget, message)
        for jira in [Jira(project: nil, components: [], labels: ["x"], escalationPolicy: nil),
                     Jira(project: nil, components: [], labels: [], escalationPolicy: policy([]))] {
            XCTAssertThrowsError(try JiraBridge.urls(jira: jira, bridgeURL: "http://gjb.com", token: nil)) { error in
                XCTAssertEqual((error as? RuleViolation)?.message, message)
            }
            XCTAssertEqual(M.errors(M.build(M.project(jira: jira))), ["web.yml: project 'web': \(message)"])
        }
    }

    func testTheBridgeAlertInTheProjectsRecord() throws {
        let jira = Jira(project: "PROJ", components: [], labels: ["on call"], escalationPolicy: nil)
        let record = try XCTUnwrap(M.record(M.build(M.project(alerts: [M.alert("mine")], jira: jira))))
        let bridge = try XCTUnwrap(record.alerts.first { $0.name == "Glitchtip-Jira-Bridge-Integration" })
        XCTAssertEqual(bridge, AlertRecord(name: "Glitchtip-Jira-Bridge-Integration", timespanMinutes: 1, quantity: 1,
                                           recipients: [RecipientRecord(type: "webhook", url: "http://gjb.com/PROJ?labels=on+call&token=secret")]))
        // The token is the instance's bridge secret; without its value, no token parameter.
        XCTAssertEqual(M.record(M.build(M.project(jira: jira), secrets: [:]))?.alerts.first?.recipients.first?.url,
                       "http://gjb.com/PROJ?labels=on+call")
        XCTAssertEqual(M.record(M.build(M.project(jira: jira), instance: M.instance(token: nil)))?.alerts.first?.recipients.first?.url,
                       "http://gjb.com/PROJ?labels=on+call")
    }

    func testNoBridgeAlertWithoutABridgeURLOrWithEveryBoardDisabled() {
        let jira = Jira(project: "PROJ", components: [], labels: [], escalationPolicy: nil)
        XCTAssertEqual(M.record(M.build(M.project(jira: jira), instance: M.instance(bridgeURL: nil)))?.alerts, [])
        // Without a bridge URL even a Jira setting with no target is ignored.
        let noTarget = Jira(project: nil, components: [], labels: [], escalationPolicy: nil)
        XCTAssertEqual(M.record(M.build(M.project(jira: noTarget), instance: M.instance(bridgeURL: nil)))?.alerts, [])
        let allOff = Jira(project: nil, components: [], labels: [], escalationPolicy: policy([board("B", disabled: ["jira-permissions-validator"])]))
        XCTAssertEqual(M.record(M.build(M.project(alerts: [M.alert("mine")], jira: allOff)))?.alerts.map(\.name), ["mine"])
    }

    func testSeveralBoardsGiveOneAlertWithOneRecipientEach() {
        let jira = Jira(project: nil, components: [], labels: [], escalationPolicy: policy([board("B2"), board("B1")]))
        let record = M.record(M.build(M.project(jira: jira)))
        XCTAssertEqual(record?.alerts.map(\.name), ["Glitchtip-Jira-Bridge-Integration"])
        XCTAssertEqual(record?.alerts.first?.recipients.map(\.url), ["http://gjb.com/B1?token=secret", "http://gjb.com/B2?token=secret"])
    }
}
