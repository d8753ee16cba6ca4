import Foundation
import GTHTTP
import GTStreams
import GTTestSupport
import XCTest

/// A `gt-serve` started on a free port with a simulator as GlitchTip behind it, a secrets file
/// holding its token and private cache, lock and temporary directories; driven over real HTTP.
final class ServeProcess: @unchecked Sendable {
    static let secret = "serve-e2e-planted-jwt-secret-0123456789"
    static let glitchTipToken = "serve-e2e-planted-glitchtip-token"
    static let path = "/api/v1/integrations/glitchtip-project-alerts/reconcile"

    let sim: Simulator
    let tool: BackgroundTool
    let baseURL: String
    let scratch: URL
    private let http = HTTPTransport(maxConcurrent: 4, environment: [:])

    /// Starts it and waits for its ready line (`gt-serve: listening on http://127.0.0.1:PORT`).
    /// - Parameters:
    ///   - sim: GlitchTip shared with another gt-serve (a replica); nil: a simulator of its own.
    ///   - environment: more variables (`GT_CACHE_URL`).
    init(for test: SimulatorTestCase, organizations: [JSONValue], arguments: [String] = [], sim shared: Simulator? = nil,
         environment extra: [String: String] = [:]) async throws {
        let sim = try shared ?? test.startSimulator()
        let scratch = test.scratchDirectory()
        self.sim = sim
        self.scratch = scratch
        try #"{"glitchtip/creds": {"token": "\#(Self.glitchTipToken)"}}"#
            .write(to: scratch.appendingPathComponent("secrets.json"), atomically: true, encoding: .utf8)
        try await sim.load(SimState.state(organizations, tokens: [Self.glitchTipToken: ["org:read", "project:read", "project:write"]]))
        let environment = ["QAPI_JWT_SECRET_KEY": Self.secret, "GT_SECRETS_FILE": scratch.appendingPathComponent("secrets.json").path,
                           "GT_CACHE_DIR": scratch.appendingPathComponent("cache").path,
                           "GT_LOCK_DIR": scratch.appendingPathComponent("locks").path, "TMPDIR": scratch.path]
            .merging(extra) { _, given in given }
        // Pins the instance its requests name (`body`) to the simulator; --any-console-url waives it.
        var pinned: [String] = []
        if !arguments.contains("--any-console-url") {
            let pins = scratch.appendingPathComponent("instances.json")
            try #"{"instances": {"test-instance": {"console_url": "\#(sim.baseURL)", "token": {"path": "glitchtip/creds", "field": "token"}}}}"#
                .write(to: pins, atomically: true, encoding: .utf8)
            pinned = ["--instances", pins.path]
        }
        let output = scratch.appendingPathComponent("serve")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let tool = try BackgroundTool("gt-serve", ["serve", "--port", "0"] + pinned + arguments, stdinFile: nil, environment: environment,
                                      scratch: output)
        self.tool = tool
        var port: String?
        let stderr = output.appendingPathComponent("stderr")
        let ready = try await eventually(within: 60) {
            let text = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
            port = text.split(separator: "\n").first { $0.hasPrefix("gt-serve: listening on http://127.0.0.1:") }
                .map { String($0.dropFirst("gt-serve: listening on http://127.0.0.1:".count)) }
            return port != nil || !tool.process.isRunning
        }
        guard ready, let port, Int(port) != nil else {
            tool.signal(SIGKILL)
            throw Simulator.SimulatorError(message: "gt-serve did not start: \((try? String(contentsOf: stderr, encoding: .utf8)) ?? "")")
        }
        baseURL = "http://127.0.0.1:\(port)"
    }

    /// What it wrote on stderr so far.
    var stderr: String { (try? String(contentsOf: scratch.appendingPathComponent("serve/stderr"), encoding: .utf8)) ?? "" }

    deinit { if tool.process.isRunning { tool.signal(SIGKILL) } }

    /// A token from `gt-serve token`.
    func token(_ subject: String = "e2e-bot") throws -> String {
        let result = try Tools.run("gt-serve", ["token", "--sub", subject], environment: ["QAPI_JWT_SECRET_KEY": Self.secret])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `method url` (a path is taken from `baseURL`) with the Bearer token; the status and the JSON answer.
    func call(_ method: HTTPRequest.Method, _ url: String, token: String, body: JSONValue? = nil) async throws -> (Int, JSONValue?) {
        var bytes: [UInt8]?
        if let body {
            var out: [UInt8] = []
            body.write(to: &out)
            bytes = out
        }
        let request = HTTPRequest(method: method, url: url.hasPrefix("/") ? baseURL + url : url,
                                  headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")], body: bytes,
                                  timeoutMilliseconds: 300_000)
        let response = try await http.perform(request).get()
        return (response.status, try? JSONValue(parsing: response.body))
    }

    /// A request for instance `test-instance` (the simulator), as the reference's client sends it.
    func body(_ organizations: [JSONValue], dryRun: Bool) -> JSONValue {
        ["dry_run": .bool(dryRun), "instances": [[
            "name": "test-instance", "console_url": .string(sim.baseURL), "read_timeout": 10, "max_retries": 0,
            "token": ["secret_manager_url": "https://vault.example.com", "path": "glitchtip/creds", "field": "token", "version": nil],
            "organizations": .array(organizations),
        ]]]
    }

    static func project(_ name: String, alerts: [String]) -> JSONValue {
        ["name": .string(name), "alerts": .array(alerts.map { alert in
            ["name": .string(alert), "timespan_minutes": 5, "quantity": 100, "recipients": [["recipient_type": "email", "url": ""]]]
        })]
    }

    func mutations() async throws -> Int {
        try await sim.requestLog().requests.filter { ["POST", "PUT", "DELETE"].contains($0["method"]?.stringValue ?? "") }.count
    }

    func shutdown() async { await http.shutdown() }
}
