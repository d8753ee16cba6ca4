import AppInterface
import DesiredCore
import DiffCore
import GTStreams
import XCTest
@testable import AdoptCore

final class AlertAdoptionTests: XCTestCase {
    typealias F = AdoptionFixture

    func testOnlyTheAlertsAppInterfaceDoesNotDeclareAreAdopted() throws {
        let current = F.current([F.live("declared-one", pk: 1), F.live("made-in-ui", pk: 2, [("webhook", "https://alerts.example.com/glitchtip"), ("email", "")], quantity: 3, timespan: 60)])
        let adoption = try F.adopt(current, declared: F.project([F.declared("declared-one")]))
        XCTAssertEqual(adoption.adopted, [AdoptedAlert(
            name: "made-in-ui", pk: 2, description: "Adopted from GlitchTip glitchtip-prod (alert pk 2) on 2026-12-07 by gt-adopt",
            quantity: 3, timespanMinutes: 60, recipients: [.email, .webhook(url: "https://alerts.example.com/glitchtip")])])
        XCTAssertEqual(adoption.leftOut, [])
        XCTAssertEqual(adoption.key.description, "glitchtip-prod/App SRE/api-gateway")
    }

    func testTheJiraBridgeAlertIsGtsOwnAndNeverAdopted() throws {
        let jira = AppInterfaceModel.Jira(project: "API", components: [], labels: [], escalationPolicy: nil)
        let bridge = F.live(JiraBridge.alertName, pk: 7, [("webhook", "https://jira-bridge.example.com/api/v1/jira/OTHER?")], quantity: 1, timespan: 1)
        let withJira = try F.adopt(F.current([bridge]), declared: F.project(jira: jira))
        XCTAssertEqual(withJira.adopted, [])
        XCTAssertEqual(withJira.leftOut, [], "the bridge alert gt-desired makes is declared: gt-diff updates it")

        let withoutJira = try F.adopt(F.current([bridge]))
        XCTAssertEqual(withoutJira.adopted, [])
        XCTAssertEqual(withoutJira.leftOut.map(\.name), [JiraBridge.alertName])
        XCTAssertTrue(withoutJira.leftOut[0].reason.hasPrefix(DesiredProjectBuilder.reservedNameMessage), withoutJira.leftOut[0].reason)
    }

    func testTwoLiveAlertsOfOneNameAreBothLeftOut() throws {
        let adoption = try F.adopt(F.current([F.live("twice", pk: 4), F.live("twice", pk: 3), F.live("once", pk: 5)]))
        XCTAssertEqual(adoption.adopted.map(\.name), ["once"])
        XCTAssertEqual(adoption.leftOut.map(\.pk), [3, 4])
        XCTAssertTrue(adoption.leftOut.allSatisfy { $0.reason.contains("GlitchTip holds 2 alerts named 'twice'") })
    }

    func testAnUptimeOnlyAlertIsLeftOut() throws {
        let adoption = try F.adopt(F.current([F.live("uptime", pk: 1, quantity: nil, timespan: nil), F.live("half", pk: 2, timespan: nil)]))
        XCTAssertEqual(adoption.adopted, [])
        XCTAssertEqual(adoption.leftOut.map(\.name), ["half", "uptime"])
        XCTAssertTrue(adoption.leftOut.allSatisfy { $0.reason.contains("uptime-only") })
    }

    func testAWebhookURLOverGlitchTipsColumnIsLeftOutWithGtDesiredsReason() throws {
        let long = "https://alerts.example.com/" + String(repeating: "a", count: 1974)
        XCTAssertEqual(long.count, 2001)
        let adoption = try F.adopt(F.current([F.live("long", pk: 1, [("webhook", long)]), F.live("short", pk: 2)]))
        XCTAssertEqual(adoption.adopted.map(\.name), ["short"])
        XCTAssertEqual(adoption.leftOut.map(\.name), ["long"])
        XCTAssertTrue(adoption.leftOut[0].reason.contains("2001 characters long; GlitchTip stores at most 2000"), adoption.leftOut[0].reason)
    }

    func testAWebhookURLUsedTwiceInTheProjectIsLeftOutTheSecondTime() throws {
        let url = "https://alerts.example.com/sre"
        let declared = F.project([F.declared("declared-one", [.webhook(url: "https://alerts.example.com/declared", urlSecret: nil)])])
        let current = F.current([F.live("a-first", pk: 1, [("webhook", url)]), F.live("b-second", pk: 2, [("webhook", url)]),
                                 F.live("c-declared-url", pk: 3, [("webhook", "https://alerts.example.com/declared")])])
        let adoption = try F.adopt(current, declared: declared)
        XCTAssertEqual(adoption.adopted.map(\.name), ["a-first"])
        XCTAssertEqual(adoption.leftOut.map(\.name), ["b-second", "c-declared-url"])
        XCTAssertTrue(adoption.leftOut.allSatisfy { $0.reason == DesiredProjectBuilder.uniqueWebhookMessage }, "\(adoption.leftOut)")
    }

    func testARecipientAppInterfaceCannotDeclareIsLeftOut() throws {
        let adoption = try F.adopt(F.current([F.live("chat", pk: 1, [("discord", "https://discord.example.com/api/webhooks/1/x")])]))
        XCTAssertEqual(adoption.adopted, [])
        XCTAssertEqual(adoption.leftOut.first?.reason,
                       "its recipient of type 'discord' has no App-Interface provider (email-project-members, webhook)")
    }

    func testAnUnnamedAlertIsLeftOut() throws {
        let adoption = try F.adopt(F.current([F.live("", pk: 9)]))
        XCTAssertEqual(adoption.adopted, [])
        XCTAssertEqual(adoption.leftOut.map(\.pk), [9])
    }

    func testAURLGlitchTipHoldsInAnotherFormThanGtWritesIsLeftOut() throws {
        // gt-desired writes the host lower-cased: declared so, the alert would be updated on every run's first.
        let adoption = try F.adopt(F.current([F.live("upper", pk: 1, [("webhook", "https://Alerts.Example.com/sre")])]))
        XCTAssertEqual(adoption.adopted, [])
        XCTAssertEqual(adoption.leftOut.map(\.name), ["upper"])
        XCTAssertTrue(adoption.leftOut[0].reason.contains("would still plan to update it"), adoption.leftOut[0].reason)
    }

    func testAProjectWithoutADatafileIsAdoptedWhole() throws {
        let adoption = try F.adopt(F.current([F.live("b", pk: 2), F.live("a", pk: 1)]), declared: nil)
        XCTAssertEqual(adoption.adopted.map(\.name), ["a", "b"])
    }

    func testAProjectAppInterfaceRefusesIsNotAdoptedInto() {
        let broken = F.project([F.declared("same"), F.declared("same")])
        let result = AlertAdoption.adopt(current: F.current([F.live("x", pk: 1)]), declared: broken, instance: F.instance,
                                         secrets: [:], settings: F.settings)
        guard case .failure(let failure) = result else { return XCTFail("adopted into a project gt-desired refuses") }
        XCTAssertTrue(failure.errors.contains { $0.message.contains("used twice") }, "\(failure.errors)")
    }

    /// Whatever mix of alerts GlitchTip holds, declaring what was adopted plans nothing for it.
    func testWhatIsAdoptedIsPlannedAsUnchanged() throws {
        let urls = ["https://alerts.example.com/a", "https://hooks.slack.com/services/T0/B0/s3cr3t", "https://Alerts.example.com/b",
                    "https://alerts.example.com/a", "http://user:pw@alerts.example.com/c", "https://alerts.example.com:443/d"]
        var alerts: [AlertRecord] = []
        for i in 0..<40 {
            let url = urls[i % urls.count] + (i % 3 == 0 ? "" : "/\(i)")
            alerts.append(F.live("alert-\(i % 37)", pk: Int64(i + 1), i % 4 == 0 ? [("email", "")] : [("webhook", url), ("email", "")],
                                 quantity: i % 9 == 0 ? nil : Int64(i + 1), timespan: Int64(i % 5 + 1)))
        }
        let current = F.current(alerts)
        let adoption = try F.adopt(current)
        XCTAssertFalse(adoption.adopted.isEmpty)
        var project = F.project()
        var secrets: [SecretRef: String] = [:]
        for alert in adoption.adopted {
            project.alerts.append(AppInterfaceModel.Alert(name: alert.name, quantity: .int(alert.quantity), timespanMinutes: .int(alert.timespanMinutes),
                recipients: alert.recipients.map {
                    switch $0 {
                    case .email: return .email(url: nil)
                    case .webhook(let url): return .webhook(url: url, urlSecret: nil)
                    case .webhookSecret(let ref, let value):
                        secrets[ref] = value
                        return .webhook(url: nil, urlSecret: ref)
                    }
                }, origin: "adopted"))
        }
        let desired = try DesiredProjectBuilder.build(project, instance: F.instance, secrets: secrets).get()
        let names = Set(adoption.adopted.map(\.name))
        XCTAssertEqual(AlertPlanner.plan(desired: desired, current: current).filter { names.contains($0.alertName) }.map(\.alertName), [])
        XCTAssertEqual(Set(adoption.adopted.map(\.name)).count + Set(adoption.leftOut.map(\.name)).count, Set(alerts.map(\.name)).count)
    }
}

final class ProjectSkeletonTests: XCTestCase {
    func testANewDatafileReadsBackWithItsNameAlertsAndPlaceholders() throws {
        var current = AdoptionFixture.current([AdoptionFixture.live("ui: yes", pk: 3, [("webhook", "https://hooks.slack.com/services/T/B/x")])])
        current.name = "Legacy App"
        current.project = "legacy"
        current.organization = "Org\nwith # break"
        let adoption = try AdoptionFixture.adopt(current, declared: nil)
        let text = ProjectSkeleton.text(for: current, alerts: adoption.adopted)
        let document = try YAMLDocument.parse(text)
        XCTAssertEqual(document["name"], "Legacy App")
        XCTAssertEqual(document["projectId"], "legacy")
        XCTAssertEqual(document["platform"]?.stringValue?.hasPrefix(ProjectSkeleton.placeholder), true, text)
        XCTAssertEqual(document["alerts"]?.arrayValue?.first?["name"], "ui: yes")
        XCTAssertEqual(document["alerts"]?.arrayValue?.first?["recipients"]?.arrayValue?.first?["urlSecret"]?["path"],
                       "app-sre/gt-adopted/glitchtip-prod/app-sre/legacy")
        XCTAssertFalse(text.contains("services/T/B/x"), text)
    }
}
