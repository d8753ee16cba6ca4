import ApplyRun
import Foundation
import GTStreams
import GTTestSupport
import ServeCore
import XCTest

/// A simulator holding GlitchTip's state, a secrets file with its token, private cache and
/// lock directories: what a task runs against in process.
struct ServeFixture: Sendable {
    let sim: Simulator
    let directory: URL
    static let token = "serve-planted-token"

    var environment: [String: String] {
        ["GT_SECRETS_FILE": directory.appendingPathComponent("secrets.json").path,
         "GT_CACHE_DIR": directory.appendingPathComponent("cache").path,
         "GT_LOCK_DIR": directory.appendingPathComponent("locks").path,
         "TMPDIR": directory.path]
    }

    /// GlitchTip with `organizations` (``SimState/organization(_:slug:projects:)``).
    static func make(for test: SimulatorTestCase, organizations: [JSONValue]) async throws -> ServeFixture {
        let fixture = ServeFixture(sim: try test.startSimulator(), directory: test.scratchDirectory())
        try #"{"glitchtip/creds": {"token": "\#(token)"}}"#
            .write(to: fixture.directory.appendingPathComponent("secrets.json"), atomically: true, encoding: .utf8)
        try await fixture.load(organizations)
        return fixture
    }

    func load(_ organizations: [JSONValue]) async throws {
        try await sim.load(SimState.state(organizations, tokens: [Self.token: ["org:read", "project:read", "project:write"]]))
    }

    /// The reference's service tests' GlitchTip: organization `my-org`, project `my-project`
    /// with `alerts`.
    static func myOrg(_ alerts: [JSONValue]) -> [JSONValue] {
        [SimState.organization("my-org", projects: [SimState.project("my-project", alerts: alerts)])]
    }

    /// A request for instance `test-instance` (this simulator) with `organizations`.
    func body(_ organizations: [JSONValue], dryRun: Bool = true) -> JSONValue {
        Body.request([Body.instance(url: sim.baseURL, organizations: organizations)], dryRun: dryRun)
    }

    /// `body` parsed (it must be valid) and run.
    func run(_ body: JSONValue, environment extra: [String: String] = [:], settings: ReconcileTask.Settings = .init(),
             interruption: RunInterruption = RunInterruption()) async throws -> ReconcileResult {
        let parsed = await Body.parse(body)
        let request = try XCTUnwrap(parsed.value, "\(parsed)")
        return await ReconcileTask.run(request, environment: environment.merging(extra) { $1 }, settings: settings,
                                       interruption: interruption)
    }

    /// The changes GlitchTip received.
    func mutations() async throws -> [String] {
        try await sim.requestLog().requests.compactMap { request in
            let method = request["method"]?.stringValue ?? ""
            return ["POST", "PUT", "DELETE"].contains(method) ? "\(method) \(request["path"]?.stringValue ?? "")" : nil
        }
    }

    /// What GlitchTip holds in `my-org/my-project`, by name.
    func alertNames() async throws -> [String] {
        let state = try await sim.admin(.get, "/__admin/state")
        let org = state["organizations"]?.arrayValue?.first { $0["slug"] == "my-org" }
        let project = org?["projects"]?.arrayValue?.first { $0["slug"] == "my-project" }
        return (project?["alerts"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }.sorted()
    }
}

extension ReconcileResult {
    /// `type instance/organization/project/alert` of each action.
    var actionLines: [String] { actions.map { "\($0.type.rawValue) \($0.instance)/\($0.organization)/\($0.project)/\($0.alertName)" } }
}
