import CurrentCore
import GTStreams
import GTTestSupport
import XCTest

/// The exact stream body a fleet gives (docs/streams.md, "Order"), whatever order GlitchTip
/// lists things in and whatever order the answers come back in: instance records by name, then
/// each instance's part; organizations by name, projects by slug, alerts by name then pk.
final class StreamOrderTests: XCTestCase {
    func testTheBodyIsInStreamOrderByteForByte() async throws {
        let beta = InMemoryListings()
        beta.addOrganization("Zed", slug: "zed", projects: [(slug: "web", name: "Web", alerts: [])])
        beta.addOrganization("Acme", slug: "acme", projects: [
            (slug: "web", name: "Web", alerts: [CurrentFixture.alert("b", pk: 3), CurrentFixture.alert("a", pk: 9),
                                                CurrentFixture.alert("a", pk: 2)]),
            (slug: "api", name: "API", alerts: [CurrentFixture.alert("z", pk: 1)]),
            (slug: "unmanaged", name: "Other", alerts: []),
        ])
        let alpha = InMemoryListings()
        alpha.addOrganization("Acme", slug: "acme", projects: [(slug: "web", name: "Web", alerts: [])])
        // Answers in reverse stream order: each first one waits for what comes after it.
        beta.answer(.projects(organization: "acme"), after: .alerts(organization: "zed", project: "web"))
        beta.answer(.alerts(organization: "acme", project: "api"), after: .alerts(organization: "acme", project: "web"))
        alpha.answer(.organizations, after: .alerts(organization: "acme", project: "api"), on: beta)
        let fixture = CurrentFixture(self, servers: ["beta": beta, "alpha": alpha])
        let keys = CurrentFixture.keys("beta", "Zed", "web") + CurrentFixture.keys("beta", "Acme", "web", "api", "gone")
            + CurrentFixture.keys("alpha", "Acme", "web") + CurrentFixture.keys("gamma", "Acme", "web")
        let records = try await fixture.run(keys, instances: ["gamma", "beta", "alpha"])
        let instance = { (name: String) in
            #"{"console_url":"https://\#(name).example.com","kind":"instance","max_retries":3,"name":"\#(name)","read_timeout":30,"#
                + #""token":{"field":"token","format":"plain","path":"gt/\#(name)"}}"#
        }
        let alert = { (name: String, pk: Int) in
            #"{"name":"\#(name)","pk":\#(pk),"quantity":1,"recipients":[{"recipient_type":"email","url":""}],"timespan_minutes":5}"#
        }
        XCTAssertEqual(records.lines, [
            instance("alpha"), instance("beta"), instance("gamma"),
            #"{"alerts":[],"instance":"alpha","kind":"project","name":"Web","organization":"Acme","organization_slug":"acme","project":"web"}"#,
            #"{"alerts":[\#(alert("z", 1))],"instance":"beta","kind":"project","name":"API","organization":"Acme","organization_slug":"acme","project":"api"}"#,
            #"{"instance":"beta","kind":"missing","organization":"Acme","project":"gone"}"#,
            #"{"kind":"warning","message":"Project 'gone' not found in org 'Acme', skipping","scope":{"instance":"beta","organization":"Acme","project":"gone"}}"#,
            #"{"alerts":[\#(alert("a", 2)),\#(alert("a", 9)),\#(alert("b", 3))],"instance":"beta","kind":"project","name":"Web","organization":"Acme","organization_slug":"acme","project":"web"}"#,
            #"{"alerts":[],"instance":"beta","kind":"project","name":"Web","organization":"Zed","organization_slug":"zed","project":"web"}"#,
            #"{"kind":"error","message":"gamma: cannot connect: no secret store is set","scope":{"instance":"gamma"}}"#,
        ])
    }
}
