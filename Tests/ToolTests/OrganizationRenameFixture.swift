import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport

/// App-Interface organization `payments` (project `web`, alert `pager` at quantity 1) and two
/// GlitchTip organizations: `payments` (slug `payments`, `web` holding `legacy-pager`) and
/// `payments-next` (slug `payments-next`, `web` holding `pager` at quantity 2). ``rename()`` does
/// what an operator did in the GlitchTip UI: `payments` → `payments-legacy`, `payments-next` →
/// `payments` (slugs do not change on rename), so App-Interface's `payments` is now
/// `payments-next` by name, and slug `payments` is an organization App-Interface no longer manages.
struct OrganizationRename {
    let scenario: Scenario
    var sim: Simulator { scenario.sim }

    static func make(for test: SimulatorTestCase, in directory: URL? = nil) async throws -> OrganizationRename {
        let scenario = try await Scenario.make(for: test, in: directory, desired: ["web": [DeclaredAlert(name: "pager", quantity: 1)]],
                                               current: [:])
        try """
            $schema: /dependencies/glitchtip-organization-1.yml
            name: payments
            description: test
            instance: {$ref: /instance.yml}
            """.write(toFile: scenario.dataDirectory + "/org.yml", atomically: true, encoding: .utf8)
        try await scenario.sim.load(SimState.state([
            SimState.organization("payments", slug: "payments",
                                  projects: [SimState.project("web", alerts: [SimState.alert("legacy-pager")])]),
            SimState.organization("payments-next", slug: "payments-next",
                                  projects: [SimState.project("web", alerts: [SimState.alert("pager", quantity: 2)])]),
        ], tokens: [Scenario.token: ["org:read", "project:read", "project:write", "project:admin"]]))
        return OrganizationRename(scenario: scenario)
    }

    /// Renames GlitchTip organizations in the simulator, alert ids kept: slug → new name.
    func rename(_ names: [String: String] = ["payments": "payments-legacy", "payments-next": "payments"]) async throws {
        try await editOrganizations { organizations in
            organizations.map { organization in
                guard case .object(var fields) = organization, let slug = fields["slug"]?.stringValue,
                      let name = names[slug] else { return organization }
                fields["name"] = .string(name)
                return .object(fields)
            }
        }
    }

    /// Deletes the GlitchTip organization with `slug`.
    func remove(_ slug: String) async throws {
        try await editOrganizations { $0.filter { $0["slug"]?.stringValue != slug } }
    }

    /// Deletes project `project` of the GlitchTip organization with `slug`.
    func removeProject(_ project: String, from slug: String) async throws {
        try await editOrganizations { organizations in
            organizations.map { organization in
                guard case .object(var fields) = organization, fields["slug"]?.stringValue == slug,
                      let projects = fields["projects"]?.arrayValue else { return organization }
                fields["projects"] = .array(projects.filter { $0["slug"]?.stringValue != project })
                return .object(fields)
            }
        }
    }

    private func editOrganizations(_ edit: ([JSONValue]) -> [JSONValue]) async throws {
        let state = try await sim.admin(.get, "/__admin/state")
        guard case .object(var root) = state, case .array(let organizations)? = root["organizations"] else {
            throw Simulator.SimulatorError(message: "state shape")
        }
        root["organizations"] = .array(edit(organizations))
        try await sim.load(.object(root))
    }

    /// The alerts GlitchTip holds in project `web` of the organization with `slug`.
    func alerts(_ slug: String) async throws -> [JSONValue] {
        let state = try await sim.admin(.get, "/__admin/state")
        let organization = state["organizations"]?.arrayValue?.first { $0["slug"]?.stringValue == slug }
        return organization?["projects"]?.arrayValue?.first { $0["slug"] == "web" }?["alerts"]?.arrayValue ?? []
    }

    func alertNames(_ slug: String) async throws -> [String] {
        try await alerts(slug).compactMap { $0["name"]?.stringValue }.sorted()
    }

    /// `gt-desired | gt-diff <(gt-current)` through the cache, into a plan file.
    func cachedPlan(environment extra: [String: String] = [:]) throws -> String {
        let d = scenario.dataDirectory
        let planFile = scenario.directory.appendingPathComponent("plan-\(UUID().uuidString).ndjson").path
        let planned = try Tools.shell("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet) > '\(planFile)'",
                                      environment: scenario.environment.merging(extra) { $1 })
        guard planned.status == 0 else { throw Simulator.SimulatorError(message: "plan failed: \(planned.stderr)") }
        return planFile
    }

    func apply(_ planFile: String, environment extra: [String: String] = [:]) throws -> ToolResult {
        try Tools.shell("gt-apply --no-dry-run < '\(planFile)'", environment: scenario.environment.merging(extra) { $1 })
    }

    /// The POST, PUT and DELETE requests GlitchTip received, as `METHOD path`.
    func mutations() async throws -> [String] {
        try await scenario.mutations().map { "\($0["method"]!.stringValue!) \($0["path"]!.stringValue!)" }
    }
}
