import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest

/// Two App-Interface organizations that GlitchTip resolves to one organization although their
/// names do not slugify alike (a GlitchTip organization renamed since its slug was made: one
/// App-Interface organization matches its name, the other its slug). gt-desired cannot see
/// that; gt-current refuses both, so no run deletes and recreates the other's alerts.
final class OrganizationResolutionTests: SimulatorTestCase {
    private var sim: Simulator?

    func testOrganizationsResolvingToOneGlitchTipOrganizationByNameAndBySlugAreRefused() async throws {
        let dir = scratchDirectory()
        let scenario = try await Scenario.make(for: self, in: dir, desired: ["web": [DeclaredAlert(name: "a")]], current: [:])
        sim = scenario.sim
        try """
            $schema: /dependencies/glitchtip-organization-1.yml
            name: Space Agency
            description: renamed in GlitchTip, slug kept
            instance: {$ref: /instance.yml}
            """.write(toFile: scenario.dataDirectory + "/org2.yml", atomically: true, encoding: .utf8)
        try projectDatafile("web", organization: "/org2.yml", alerts: "- name: b\n  description: d\n  quantity: 1\n  timespanMinutes: 1\n  recipients: []")
            .write(toFile: scenario.dataDirectory + "/projects/web-2.yml", atomically: true, encoding: .utf8)
        // GlitchTip: organization "Space Agency" whose slug is still "nasa", with alert b in web.
        let b: JSONValue = ["name": "b", "timespanMinutes": 1, "quantity": 1, "alertRecipients": []]
        try await scenario.sim.load(SimState.state(
            [SimState.organization("Space Agency", slug: "nasa", projects: [SimState.project("web", alerts: [b])])],
            tokens: [Scenario.token: ["org:read", "project:read", "project:write", "project:admin"]]))

        let desired = try Tools.run("gt-desired", ["--data", scenario.dataDirectory], environment: scenario.environment)
        XCTAssertEqual(desired.status, 0, "gt-desired cannot see this collision: \(desired.stderr)")

        let current = try Tools.run("gt-current", ["--data", scenario.dataDirectory, "--quiet"], environment: scenario.environment)
        XCTAssertEqual(current.status, 1, current.stderr)
        let errors = try current.body().filter { $0["kind"] == "error" }
        XCTAssertEqual(Set(errors.compactMap { $0["scope"]?["organization"]?.stringValue }), ["nasa", "Space Agency"])
        for error in errors {
            let message = error["message"]?.stringValue ?? ""
            XCTAssertTrue(message.contains("'nasa'") && message.contains("'Space Agency'") && message.contains("project 'web'"), message)
        }
        XCTAssertEqual(try current.body().filter { $0["kind"] == "project" }.count, 0)

        let run = try scenario.pipeline(apply: true)
        XCTAssertEqual(run.status, 1, run.stderr)
        let mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 0, "\(mutations)")
        let left = try await scenario.alerts("web")
        XCTAssertEqual(left.compactMap { $0["name"]?.stringValue }, ["b"])
    }
}
