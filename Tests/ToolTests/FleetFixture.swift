import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// A generated fleet (scripts/lib/gen_fleet.py) served by a simulator: one instance whose
/// consoleUrl is the simulator, `organizations` × `projects` × `alerts`, and the same alerts
/// already in GlitchTip.
struct Fleet {
    let sim: Simulator
    let directory: URL
    var dataDirectory: String { directory.appendingPathComponent("app-interface").path }
    var secretsFile: String { directory.appendingPathComponent("secrets.json").path }
    var cacheDirectory: String { directory.appendingPathComponent("cache").path }
    let token = "token-gt-00"
    var state: JSONValue

    /// GT_DATA_DIR: gt-apply sends a token only to App-Interface's URL for it.
    var environment: [String: String] { ["GT_SECRETS_FILE": secretsFile, "GT_CACHE_DIR": cacheDirectory, "GT_DATA_DIR": dataDirectory] }

    /// The fleet's simulator is `test`'s: stopped when the test ends.
    static func make(for test: SimulatorTestCase, in directory: URL? = nil, organizations: Int, projects: Int, alerts: Int,
                     simulatorArguments: [String] = [], instanceYAML: String? = nil) async throws -> Fleet {
        let sim = try test.startSimulator(arguments: simulatorArguments)
        let directory = directory ?? test.scratchDirectory()
        let generate = try Tools.run("/usr/bin/env", [
            "python3", "scripts/lib/gen_fleet.py", directory.path, "--instances", "1", "--orgs", String(organizations),
            "--projects", String(projects), "--alerts", String(alerts), "--port-base", String(sim.port),
        ])
        guard generate.status == 0 else { throw Simulator.SimulatorError(message: generate.stderr) }
        if let instanceYAML {
            let path = directory.appendingPathComponent("app-interface/glitchtip/instances/gt-00.yml")
            let original = try String(contentsOf: path, encoding: .utf8)
            try (original + instanceYAML + "\n").write(to: path, atomically: true, encoding: .utf8)
        }
        let state = try JSONValue(parsing: String(contentsOf: directory.appendingPathComponent("sim-state-gt-00.json"), encoding: .utf8))
        try await sim.load(state)
        return Fleet(sim: sim, directory: directory, state: state)
    }

    /// Replaces the alerts of one project in the simulator's state.
    mutating func setAlerts(organization: Int, project: Int, _ alerts: [JSONValue]) async throws {
        guard case .object(var root) = state, case .array(var orgs)? = root["organizations"],
              case .object(var org) = orgs[organization], case .array(var projects)? = org["projects"],
              case .object(var proj) = projects[project] else { throw Simulator.SimulatorError(message: "state shape") }
        proj["alerts"] = .array(alerts)
        projects[project] = .object(proj)
        org["projects"] = .array(projects)
        orgs[organization] = .object(org)
        root["organizations"] = .array(orgs)
        state = .object(root)
        try await sim.load(state)
    }

    func current(_ arguments: [String] = [], environment extra: [String: String] = [:]) throws -> ToolResult {
        try Tools.run("gt-current", ["--data", dataDirectory] + arguments, environment: environment.merging(extra) { $1 })
    }

    static func projectName(_ organization: Int, _ project: Int) -> String {
        String(format: "gt-00-org-%02d-p%05d", organization, project)
    }
}

extension ToolResult {
    /// The stream without its trailer (whose stats differ from run to run).
    var streamWithoutTrailer: String { stdout.split(separator: "\n").dropLast().joined(separator: "\n") }
}
