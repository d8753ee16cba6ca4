import Foundation
import XCTest
@testable import GTStreams
@testable import GTGlitchTip
import GTTestSupport
@testable import GTHTTP

/// The GlitchTip client against the simulator in both API dialects and both PUT semantics.
final class GlitchTipClientTests: SimulatorTestCase {
    private var sim: Simulator!

    private func start(_ arguments: [String] = [], organizations: [JSONValue]) async throws -> GlitchTipClient {
        sim = try startSimulator(arguments: arguments)
        try await sim.load(SimState.state(organizations))
        let http = HTTPClient(transport: HTTPTransport(maxConcurrent: 4),
                              retry: RetryPolicy(maxRetries: 2, baseDelay: 0.01, maxDelay: 0.05))
        return GlitchTipClient(baseURL: sim.baseURL + "/", token: "sim-token", http: http)
    }

    private func bulkProject(_ count: Int) -> JSONValue {
        SimState.project("shop", alerts: (1...count).map { SimState.alert("bulk-\($0)", quantity: Int64($0)) })
    }

    private func assertListsAcrossThreePages(dialect: String) async throws {
        // A server whose largest page is 50 (the default page size) makes 120 alerts 3 pages.
        let client = try await start(["--dialect", dialect, "--max-page-size", "50"],
                                     organizations: [SimState.organization("Globex", projects: [bulkProject(120)])])
        let alerts = try await client.alerts(organization: "globex", project: "shop")
        XCTAssertEqual(alerts.count, 120)
        XCTAssertEqual(Set(alerts.map(\.name)).count, 120)
        XCTAssertEqual(alerts.first?.name, "bulk-120")  // newest first
        XCTAssertEqual(alerts.first?.quantity, 120)
        XCTAssertEqual(alerts.first?.timespanMinutes, 1)
        XCTAssertEqual(alerts.first?.recipients.map(\.type), ["email"])
        XCTAssertNotNil(alerts.first?.recipients.first?.pk)
        XCTAssertEqual(alerts.first?.extra, ["uptime": false])
        let gets = try await sim.requestLog().matching("GET", "/api/0/projects/globex/shop/alerts/")
        XCTAssertEqual(gets.count, 3)
        XCTAssertEqual(gets.first?["query"]?.stringValue, "limit=100")
    }

    func testListsAlertsThroughThreePagesNinjaDialect() async throws {
        try await assertListsAcrossThreePages(dialect: "ninja")
    }

    func testListsAlertsThroughThreePagesDRFDialect() async throws {
        try await assertListsAcrossThreePages(dialect: "drf")
    }

    func testListsOrganizationsAndProjects() async throws {
        let client = try await start(organizations: [
            SimState.organization("Globex", projects: [SimState.project("shop")]),
            SimState.organization("Acme", projects: [SimState.project("web"), SimState.project("api")]),
        ])
        let orgs = try await client.organizations()
        XCTAssertEqual(orgs, [GlitchTipOrganization(name: "Acme", slug: "acme"), GlitchTipOrganization(name: "Globex", slug: "globex")])
        let projects = try await client.projects(organization: "acme")
        XCTAssertEqual(projects.map(\.slug), ["api", "web"])
        // An unknown org lists as empty, like the real server.
        let none = try await client.projects(organization: "nope")
        XCTAssertEqual(none, [])
    }

    func testRefusesANextLinkToAnotherHost() async throws {
        let client = try await start(organizations: [SimState.organization("Acme", projects: [])])
        let link = #"{'<http://evil.example.com/api/0/organizations/?cursor=x>; rel="next"; results="true"; cursor="x"'}"#
        try await sim.faults([["path": "/api/0/organizations/", "action": "json", "body": "[]", "link": .string(link)]])
        do {
            _ = try await client.organizations()
            XCTFail("followed a link to another host")
        } catch {
            XCTAssertEqual("\(error)", "\(sim.baseURL)/api/0/organizations/: next-page link points to another host (http://evil.example.com/api/0/organizations/); not following it")
        }
    }

    /// libcurl does not read `\` as `/` (WHATWG does): a link that is this host to one reader and
    /// `evil.example.com` (with `127.0.0.1:…\` as userinfo) to the other is refused too.
    func testRefusesANextLinkWhoseHostDependsOnWhoReadsIt() async throws {
        let client = try await start(organizations: [SimState.organization("Acme", projects: [])])
        let authority = sim.baseURL.replacingOccurrences(of: "http://", with: "")
        for next in ["http://\(authority)\\@evil.example.com/api/0/organizations/?cursor=x",
                     "http:\\\\\(authority)/api/0/organizations/?cursor=y"] {
            let link = "{'<\(next)>; rel=\"next\"; results=\"true\"; cursor=\"x\"'}"
            try await sim.faults([["path": "/api/0/organizations/", "action": "json", "body": "[]", "link": .string(link)]])
            do {
                _ = try await client.organizations()
                XCTFail("followed \(next)")
            } catch {
                XCTAssertTrue("\(error)".contains("next-page link points to another host"), "\(error)")
            }
        }
    }

    func testRefusesACursorLoop() async throws {
        let client = try await start(organizations: [SimState.organization("Acme", projects: [])])
        let link = "{'<\(sim.baseURL)/api/0/organizations/?limit=100>; rel=\"next\"; results=\"true\"; cursor=\"x\"'}"
        try await sim.faults([["path": "/api/0/organizations/", "action": "json", "body": "[]", "link": .string(link)]])
        do {
            _ = try await client.organizations()
            XCTFail("followed a cursor loop")
        } catch {
            XCTAssertTrue("\(error)".hasSuffix("next-page link repeats a page already read (cursor loop)"), "\(error)")
        }
    }

    func testHTMLInsteadOfJSONIsAnError() async throws {
        let client = try await start(organizations: [SimState.organization("Acme", projects: [SimState.project("api")])])
        try await sim.faults([["path": "/api/0/projects/acme/api/alerts/", "action": "html200"]])
        do {
            _ = try await client.alerts(organization: "acme", project: "api")
            XCTFail("HTML accepted")
        } catch {
            XCTAssertTrue("\(error)".contains("expected JSON, got text/html"), "\(error)")
        }
    }

    func testCreateUpdateDeleteRoundTrip() async throws {
        let client = try await start(organizations: [SimState.organization("Acme", projects: [SimState.project("api")])])
        let body = GlitchTipAlertBody(name: "errors-burst", timespanMinutes: 5, quantity: 10,
                                      recipients: [("webhook", "HTTPS://Hooks.Example.com"), ("email", "")])
        let created = try await client.createAlert(organization: "acme", project: "api", body: body)
        XCTAssertEqual(created.name, "errors-burst")
        XCTAssertEqual(Set(created.recipients.map { "\($0.type) \($0.url)" }),
                       ["webhook https://hooks.example.com/", "email "])

        // The POST body: camelCase, all recipients, no url key for email.
        let sent = try await sim.requestLog().matching("POST").count
        XCTAssertEqual(sent, 1)

        var update = body
        update.quantity = 20
        update.recipients = [("email", "")]
        update.extra = ["uptime": true]
        let updated = try await client.updateAlert(organization: "acme", project: "api", pk: created.pk, body: update)
        XCTAssertEqual(updated.pk, created.pk)
        XCTAssertEqual(updated.quantity, 20)
        XCTAssertEqual(updated.recipients.map(\.type), ["email"])
        XCTAssertEqual(updated.extra["uptime"], true)

        let outcome = try await client.deleteAlert(organization: "acme", project: "api", pk: created.pk)
        XCTAssertEqual(outcome, .deleted)
        let again = try await client.deleteAlert(organization: "acme", project: "api", pk: created.pk)
        XCTAssertEqual(again, .notFound)
        let remaining = try await client.alerts(organization: "acme", project: "api")
        XCTAssertEqual(remaining, [])
    }

    func testFullPutKeepsUnmanagedFieldsOn4x() async throws {
        var alert = SimState.alert("uptime-kept")
        if case .object(var fields) = alert { fields["uptime"] = true; alert = .object(fields) }
        let client = try await start(["--put-mode", "4x"], organizations: [
            SimState.organization("Acme", projects: [SimState.project("api", alerts: [alert])]),
        ])
        let current = try await client.alerts(organization: "acme", project: "api")[0]
        XCTAssertEqual(current.extra["uptime"], true)
        let body = GlitchTipAlertBody(name: current.name, timespanMinutes: 9, quantity: current.quantity,
                                      recipients: current.recipients.map { ($0.type, $0.url) }, extra: current.extra)
        _ = try await client.updateAlert(organization: "acme", project: "api", pk: current.pk, body: body)
        let after = try await client.alerts(organization: "acme", project: "api")[0]
        XCTAssertEqual(after.timespanMinutes, 9)
        XCTAssertEqual(after.extra["uptime"], true, "a 4.x full-replace PUT reset uptime")
    }

    func testUnknownRecipientTypesAreKept() async throws {
        let client = try await start(organizations: [SimState.organization("Acme", projects: [
            SimState.project("api", alerts: [SimState.alert("chat", recipients: [
                ("discord", "https://discord.example.com/api/webhooks/1/x"), ("googlechat", "https://chat.example.com/v1/x"),
            ])]),
        ])])
        let alert = try await client.alerts(organization: "acme", project: "api")[0]
        XCTAssertEqual(Set(alert.recipients.map(\.type)), ["discord", "googlechat"])
    }

    func testAlertBodyJSON() {
        let body = GlitchTipAlertBody(name: "a", timespanMinutes: nil, quantity: 2,
                                      recipients: [("email", ""), ("webhook", "https://h/x?token=t")],
                                      extra: ["uptime": false])
        XCTAssertEqual(body.json.serialized(),
                       #"{"alertRecipients":[{"recipientType":"email"},{"recipientType":"webhook","url":"https://h/x?token=t"}],"name":"a","quantity":2,"timespanMinutes":null,"uptime":false}"#)
    }

    func testLinkHeaderForms() {
        let setForm = #"{'<http://h/api/0/x/>; rel="previous"; results="false", <http://h/api/0/x/?cursor=cD0x%3D>; rel="next"; results="true"; cursor="cD0x="'}"#
        XCTAssertEqual(LinkHeader.nextPage(in: [setForm]), "http://h/api/0/x/?cursor=cD0x%3D")
        let last = #"{'<http://h/a/?cursor=p>; rel="previous"; results="true"; cursor="p", <http://h/a/>; rel="next"; results="false"'}"#
        XCTAssertNil(LinkHeader.nextPage(in: [last]))
        let drf = #"<http://h/a/>; rel="previous"; results="false", <http://h/a/?cursor=n>; rel="next"; results="true"; cursor="n""#
        XCTAssertEqual(LinkHeader.nextPage(in: [drf]), "http://h/a/?cursor=n")
        XCTAssertNil(LinkHeader.nextPage(in: []))
    }

    func testPathSegmentsAreEncoded() {
        XCTAssertEqual(GlitchTipClient.segment("my-org_1.x~"), "my-org_1.x~")
        XCTAssertEqual(GlitchTipClient.segment("a/b c"), "a%2Fb%20c")
    }

    /// A slug of dots would be a dot-segment: libcurl removes it (`/projects/acme/../alerts/` is
    /// `/projects/alerts/`), and the request would reach another route than the project's. Kept
    /// as one segment, it is no slug GlitchTip routes: its single-page app answers, and the read fails.
    func testADotSlugStaysOneSegment() async throws {
        XCTAssertEqual(GlitchTipClient.segment(".."), "%2E%2E")
        XCTAssertEqual(GlitchTipClient.segment("."), "%2E")
        XCTAssertEqual(GlitchTipClient.segment("..."), "...")
        let client = try await start(organizations: [SimState.organization("Acme", projects: [SimState.project("api")])])
        for (organization, project) in [("acme", "."), ("acme", ".."), ("..", "api")] {
            do {
                let alerts = try await client.alerts(organization: organization, project: project)
                XCTFail("\(organization)/\(project) listed \(alerts)")
            } catch {
                XCTAssertTrue("\(error)".contains("expected JSON, got text/html"), "\(error)")
            }
        }
        let paths = try await sim.requestLog().matching("GET").compactMap { $0["path"]?.stringValue }
        XCTAssertEqual(paths, ["/api/0/projects/acme/%2E/alerts/", "/api/0/projects/acme/%2E%2E/alerts/",
                               "/api/0/projects/%2E%2E/api/alerts/"])
    }
}
