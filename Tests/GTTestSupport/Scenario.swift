import Foundation
import GTStreams

/// A desired alert, as a test declares it.
public struct DeclaredAlert {
    public var name: String
    public var quantity: Int
    public var timespan: Int
    /// (provider, url): `email-project-members` or `webhook`.
    public var recipients: [(String, String?)]

    public init(name: String, quantity: Int = 1, timespan: Int = 1, recipients: [(String, String?)] = [("email-project-members", nil)]) {
        self.name = name
        self.quantity = quantity
        self.timespan = timespan
        self.recipients = recipients
    }
}

/// One instance (`gt`) served by a simulator, one organization (`nasa`), the projects a test
/// declares in App-Interface and the alerts it puts in GlitchTip; and the pipeline run over them.
public struct Scenario {
    public let sim: Simulator
    public let directory: URL
    public var dataDirectory: String { directory.appendingPathComponent("data").path }
    public var environment: [String: String] {
        ["GT_SECRETS_FILE": directory.appendingPathComponent("secrets.json").path,
         "GT_CACHE_DIR": directory.appendingPathComponent("cache").path,
         "GT_LOCK_DIR": directory.path,
         // gt-apply --no-dry-run reads App-Interface's instances (where a token may be sent).
         "GT_DATA_DIR": dataDirectory]
    }
    public static let token = "scenario-planted-token"

    /// The scenario's simulator is `test`'s: stopped when the test ends.
    /// - Parameter directory: where its data, secrets, cache and locks go (default: a scratch directory).
    public static func make(for test: SimulatorTestCase, in directory: URL? = nil, desired: [String: [DeclaredAlert]],
                            current: [String: [JSONValue]], simulatorArguments: [String] = [], readTimeout: Int = 5,
                            maxRetries: Int = 1, tls: TestCertificateAuthority? = nil) async throws -> Scenario {
        let sim = try test.startSimulator(arguments: simulatorArguments, tls: tls)
        let directory = directory ?? test.scratchDirectory()
        let data = directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data.appendingPathComponent("projects"), withIntermediateDirectories: true)
        func write(_ path: String, _ text: String) throws {
            try text.write(to: data.appendingPathComponent(path), atomically: true, encoding: .utf8)
        }
        try write("instance.yml", """
            $schema: /dependencies/glitchtip-instance-1.yml
            labels: {}
            name: gt
            description: test
            consoleUrl: \(sim.baseURL)
            automationUserEmail: {path: gt/creds, field: email}
            automationToken: {path: gt/creds, field: token}
            readTimeout: \(readTimeout)
            maxRetries: \(maxRetries)
            """)
        try write("org.yml", """
            $schema: /dependencies/glitchtip-organization-1.yml
            name: nasa
            description: test
            instance: {$ref: /instance.yml}
            """)
        for (project, alerts) in desired {
            var lines = ["$schema: /dependencies/glitchtip-project-1.yml", "name: \(project)", "description: t", "platform: go",
                         "app: {$ref: /app.yml}", "teams: []", "organization: {$ref: /org.yml}", "alerts:\(alerts.isEmpty ? " []" : "")"]
            for alert in alerts {
                lines += ["- name: \(alert.name)", "  description: d", "  quantity: \(alert.quantity)",
                          "  timespanMinutes: \(alert.timespan)", "  recipients:"]
                for (provider, url) in alert.recipients {
                    lines.append("  - provider: \(provider)")
                    if let url { lines.append("    url: '\(url)'") }
                }
            }
            try write("projects/\(project).yml", lines.joined(separator: "\n") + "\n")
        }
        try #"{"gt/creds": {"token": "\#(token)", "email": "bot@example.com"}}"#
            .write(to: directory.appendingPathComponent("secrets.json"), atomically: true, encoding: .utf8)
        let scenario = Scenario(sim: sim, directory: directory)
        try await scenario.setCurrent(current)
        return scenario
    }

    /// Replaces what GlitchTip holds: project → alerts (simulator input form). The cache is
    /// emptied too: a test that changes the server behind the cache's back says so explicitly.
    public func setCurrent(_ current: [String: [JSONValue]]) async throws {
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("cache"))
        let projects = current.keys.sorted().map { SimState.project($0, alerts: current[$0]!) }
        try await sim.load(SimState.state([SimState.organization("nasa", projects: projects)],
                                          tokens: [Scenario.token: ["org:read", "project:read", "project:write", "project:admin"]]))
    }

    /// `gt-desired | gt-diff <(gt-current) | gt-apply …` under `set -o pipefail`.
    public func pipeline(apply: Bool = false, applyArguments: String = "", environment extra: [String: String] = [:]) throws -> ToolResult {
        let d = dataDirectory
        return try Tools.shell(
            "gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet) | gt-apply \(apply ? "--no-dry-run" : "") \(applyArguments)",
            environment: environment.merging(extra) { $1 })
    }

    /// The actions stream of `gt-desired | gt-diff <(gt-current --refresh)`.
    public func plan() throws -> [ActionRecord] {
        let d = dataDirectory
        let result = try Tools.shell("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet --refresh)",
                                     environment: environment)
        guard result.status == 0 else { throw Simulator.SimulatorError(message: "plan failed: \(result.stderr)") }
        return try result.body().filter { $0["kind"] == "action" }.map { try ActionRecord(JSONField($0)) }
    }

    /// What GlitchTip holds now, by project: the simulator's own state.
    public func alerts(_ project: String) async throws -> [JSONValue] {
        let state = try await sim.admin(.get, "/__admin/state")
        let org = state["organizations"]?.arrayValue?.first { $0["slug"] == "nasa" }
        return org?["projects"]?.arrayValue?.first { $0["slug"]?.stringValue == project }?["alerts"]?.arrayValue ?? []
    }

    public func mutations() async throws -> [JSONValue] {
        try await sim.requestLog().requests.filter { ["POST", "PUT", "DELETE"].contains($0["method"]?.stringValue ?? "") }
    }
}

public func summary(_ result: ToolResult) throws -> JSONValue? {
    try result.body().first { $0["kind"] == "summary" }
}
