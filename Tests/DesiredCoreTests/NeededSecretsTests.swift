import AppInterface
import DesiredCore
import GTStreams
import XCTest

/// The secrets a project's build reads (docs/rules.md, "Desired state"): webhook `urlSecret`s
/// where no `url` is set, and the bridge token only when the bridge alert is built.
final class NeededSecretsTests: XCTestCase {
    private typealias M = DesiredModel
    private let first = SecretRef(path: "gt/hooks", field: "first")
    private let second = SecretRef(path: "gt/hooks", field: "second", version: 2)
    private let jira = AppInterfaceModel.Jira(project: "PROJ", components: [], labels: [], escalationPolicy: nil)

    func testWebhookSecretsWithoutAURLOnceEachInOrder() {
        let project = M.project(alerts: [
            M.alert("a", [.webhook(url: nil, urlSecret: second), .email(url: nil)]),
            // A secret beside a `url` is not read.
            M.alert("b", [.webhook(url: "https://hooks.example.com", urlSecret: SecretRef(path: "gt/unread", field: "url")),
                          .webhook(url: "", urlSecret: first)]),
            M.alert("c", [.webhook(url: nil, urlSecret: second), .webhook(url: nil, urlSecret: nil)]),
        ])
        XCTAssertEqual(DesiredProjectBuilder.neededSecrets(of: project, instance: M.instance()), [second, first])
    }

    func testTheBridgeTokenOnlyWithJiraABridgeURLAndAToken() {
        let hook = M.alert("a", [.webhook(url: nil, urlSecret: first)])
        let withJira = M.project(alerts: [hook], jira: jira)
        XCTAssertEqual(DesiredProjectBuilder.neededSecrets(of: withJira, instance: M.instance()), [first, M.bridgeToken])
        XCTAssertEqual(DesiredProjectBuilder.neededSecrets(of: M.project(alerts: [hook]), instance: M.instance()), [first])
        XCTAssertEqual(DesiredProjectBuilder.neededSecrets(of: withJira, instance: M.instance(bridgeURL: nil)), [first])
        XCTAssertEqual(DesiredProjectBuilder.neededSecrets(of: withJira, instance: M.instance(token: nil)), [first])
        // An undeclared instance: the webhooks' secrets still (the build reports the instance).
        XCTAssertEqual(DesiredProjectBuilder.neededSecrets(of: withJira, instance: nil), [first])
        // The token is one secret even when it is also a webhook's.
        let shared = M.project(alerts: [M.alert("a", [.webhook(url: nil, urlSecret: M.bridgeToken)])], jira: jira)
        XCTAssertEqual(DesiredProjectBuilder.neededSecrets(of: shared, instance: M.instance()), [M.bridgeToken])
    }

    /// Through gt-desired's walk with no secret store: the message names each secret the
    /// selected projects need, once, in the order the model's projects first need them.
    func testTheWholeModelNeedsEachSelectedProjectsSecretsOnce() async {
        let model = AppInterfaceModel(instances: [M.instance(), M.instance("other")], projects: [
            M.project("web", alerts: [M.alert("a", [.webhook(url: nil, urlSecret: second)])], jira: jira),
            M.project("api", instance: "other", alerts: [M.alert("a", [.webhook(url: nil, urlSecret: first)])]),
            M.project("app", alerts: [M.alert("a", [.webhook(url: nil, urlSecret: second)])], jira: jira),
        ])
        for (filter, needed) in [(nil, [second, M.bridgeToken, first]), ("other", [first])] as [(String?, [SecretRef])] {
            guard case .failure(let failure) = await M.stream(model, filter: filter) else { return XCTFail("built without secrets") }
            XCTAssertEqual(failure.messages, ["secrets are needed (\(needed.map(\.description).joined(separator: ", "))) but no "
                + "secret store is set: set VAULT_ADDR (with VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID) or GT_SECRETS_FILE"])
        }
    }
}
