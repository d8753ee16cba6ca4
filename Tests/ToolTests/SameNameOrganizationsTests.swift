import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// GlitchTip keeps organization slugs unique, not names, and the streams name an organization by
/// its name. Two GlitchTip organizations of one name are refused with an error at that name's
/// scope: gt-current never guesses which one App-Interface means, and `--all-projects` never
/// writes a stream its readers would refuse as out of order.
final class SameNameOrganizationsTests: SimulatorTestCase {
    private var scenario: Scenario!

    /// GlitchTip: two organizations named like the scenario's ("NASA"), each with project `web`
    /// holding an alert, and an unrelated organization.
    private func twoOrganizationsOfOneName() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "a")]], current: [:])
        let organization = try XCTUnwrap(try Tools.run("gt-desired", ["--data", scenario.dataDirectory], environment: scenario.environment)
            .body().first { $0["kind"] == "project" }?["organization"]?.stringValue)
        let alert: JSONValue = ["name": "b", "timespanMinutes": 1, "quantity": 1, "alertRecipients": []]
        try await scenario.sim.load(SimState.state([
            SimState.organization(organization, slug: "first", projects: [SimState.project("web", alerts: [alert])]),
            SimState.organization(organization, slug: "second", projects: [SimState.project("web", alerts: [alert]),
                                                                           SimState.project("api")]),
            SimState.organization("Other", slug: "other", projects: [SimState.project("web")]),
        ], tokens: [Scenario.token: ["org:read", "project:read", "project:write", "project:admin"]]))
    }

    func testAManagedOrganizationWhoseNameGlitchTipGivesTwoOrganizationsIsRefused() async throws {
        try await twoOrganizationsOfOneName()
        let current = try Tools.run("gt-current", ["--data", scenario.dataDirectory, "--quiet"], environment: scenario.environment)
        XCTAssertEqual(current.status, 1, current.stderr)
        let body = try current.body()
        XCTAssertEqual(body.filter { $0["kind"] == "project" }.count, 0, "\(body)")
        let error = try XCTUnwrap(body.first { $0["kind"] == "error" }?["message"]?.stringValue)
        XCTAssertTrue(error.contains("organizations named") && error.contains("'first', 'second'") && error.contains("refusing to guess"), error)

        let run = try scenario.pipeline(apply: true)
        XCTAssertEqual(run.status, 1, run.stderr)
        let mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 0, "\(mutations)")
    }

    func testAllProjectsRefusesTheSharedNameAndListsTheRestInOrder() async throws {
        try await twoOrganizationsOfOneName()
        let current = try Tools.run("gt-current", ["--data", scenario.dataDirectory, "--quiet", "--all-projects"],
                                    environment: scenario.environment)
        XCTAssertEqual(current.status, 1, current.stderr)
        let body = try current.body()
        XCTAssertEqual(body.filter { $0["kind"] == "project" }.compactMap { $0["organization"]?.stringValue }, ["Other"])
        XCTAssertEqual(body.filter { $0["kind"] == "error" }.count, 1, "\(body)")
        // Its readers accept the stream: in order, one record per key.
        let path = scenario.directory.appendingPathComponent("current.ndjson").path
        try current.stdout.write(toFile: path, atomically: true, encoding: .utf8)
        let diff = try Tools.shell("gt-desired --data '\(scenario.dataDirectory)' | gt-diff '\(path)' --format ndjson",
                                   environment: scenario.environment)
        XCTAssertFalse(diff.stderr.contains("out of order") || diff.stderr.contains("duplicates"), diff.stderr)
        XCTAssertEqual(try diff.records().filter { $0["kind"] == "action" }.count, 0, diff.stdout)
    }
}
