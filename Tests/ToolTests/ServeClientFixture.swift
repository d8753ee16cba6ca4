import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// gt-serve started on a free port against a ``Scenario``'s GlitchTip and secrets (the same
/// fleet the pipeline plans), driven by the Python client of Tests/ServeClient, which parses
/// every answer with the reference client's models.
final class ServeClientFixture: @unchecked Sendable {
    static let secret = "serve-client-planted-jwt-secret-0123456789"
    static let path = "/api/v1/integrations/glitchtip-project-alerts/reconcile"
    static let driver = TestPaths.packageRoot.appendingPathComponent("Tests/ServeClient/drive.py").path

    let scenario: Scenario
    let tool: BackgroundTool
    let baseURL: String
    private let output: URL

    init(for test: SimulatorTestCase, desired: [String: [DeclaredAlert]], current: [String: [JSONValue]] = [:],
         arguments: [String] = [], environment extra: [String: String] = [:]) async throws {
        let scenario = try await Scenario.make(for: test, desired: desired, current: current)
        self.scenario = scenario
        output = scenario.directory.appendingPathComponent("serve")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var environment = scenario.environment.merging(extra) { $1 }
        environment["QAPI_JWT_SECRET_KEY"] = Self.secret
        environment["TMPDIR"] = scenario.directory.path
        // The scenario's one instance pinned as its App-Interface declares it; --any-console-url waives it.
        var pinned: [String] = []
        if !arguments.contains("--any-console-url") {
            let pins = scenario.directory.appendingPathComponent("instances.json")
            try #"{"instances": {"gt": {"console_url": "\#(scenario.sim.baseURL)", "token": {"path": "gt/creds", "field": "token"}}}}"#
                .write(to: pins, atomically: true, encoding: .utf8)
            pinned = ["--instances", pins.path]
        }
        let tool = try BackgroundTool("gt-serve", ["serve", "--port", "0"] + pinned + arguments, stdinFile: nil, environment: environment,
                                      scratch: output)
        self.tool = tool
        let prefix = "gt-serve: listening on http://127.0.0.1:"
        var port: String?
        let stderr = output.appendingPathComponent("stderr")
        let ready = try await eventually(within: 60) {
            let text = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
            port = text.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
            return port != nil || !tool.process.isRunning
        }
        guard ready, let port, Int(port) != nil else {
            tool.signal(SIGKILL)
            throw Simulator.SimulatorError(message: "gt-serve did not start: \((try? String(contentsOf: stderr, encoding: .utf8)) ?? "")")
        }
        baseURL = "http://127.0.0.1:\(port)"
    }

    deinit { if tool.process.isRunning { tool.signal(SIGKILL) } }

    var stderr: String { (try? String(contentsOf: output.appendingPathComponent("stderr"), encoding: .utf8)) ?? "" }

    /// A token from `gt-serve token` (signed with `secret`: another one makes a bad signature).
    static func token(_ subject: String, secret: String = ServeClientFixture.secret) throws -> String {
        let result = try Tools.run("gt-serve", ["token", "--sub", subject], environment: ["QAPI_JWT_SECRET_KEY": secret])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The request the client sends for the scenario's App-Interface: gt-desired's desired
    /// state through the client's models (`drive.py request`), written to a file.
    func request(dryRun: Bool) throws -> String {
        let file = scenario.directory.appendingPathComponent("request-\(dryRun ? "dry" : "apply").json").path
        let result = try Tools.shell("gt-desired --data '\(scenario.dataDirectory)' | python3 '\(Self.driver)' request "
                                     + "\(dryRun ? "" : "--no-dry-run") > '\(file)'", environment: scenario.environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        return file
    }

    /// `drive.py ARGUMENTS --server` this gt-serve with `token` (nil: no Authorization header);
    /// its exit status and its answers, one JSON object per line.
    func drive(_ arguments: [String], token: String?) throws -> (status: Int32, answers: [JSONValue], stderr: String) {
        var environment: [String: String] = [:]
        if let token { environment["GT_SERVE_TOKEN"] = token }
        let command = arguments.first == "call" ? ["call", "--server", baseURL] + arguments.dropFirst()
            : [arguments[0], "--server", baseURL] + arguments.dropFirst()
        let result = try Tools.run("/usr/bin/env", ["python3", Self.driver] + command, environment: environment)
        let answers = result.stdout.split(separator: "\n").compactMap { try? JSONValue(parsing: String($0)) }
        return (result.status, answers, result.stderr)
    }

    /// One call: the answer's status and body, parsed by the client's models (the test fails when
    /// the models refuse it).
    func call(_ method: String, _ path: String, token: String?, body: String? = nil, extra: [String] = [],
              file: StaticString = #filePath, line: UInt = #line) throws -> (status: Int, body: JSONValue) {
        let run = try drive(["call", method, path] + (body.map { ["--body", $0] } ?? []) + extra, token: token)
        XCTAssertEqual(run.status, 0, "the client's models refused the answer: \(run.stderr)", file: file, line: line)
        let answer = try XCTUnwrap(run.answers.first, run.stderr, file: file, line: line)
        return (answer["status"]?.intValue.map(Int.init) ?? 0, answer["body"] ?? .null)
    }

    /// Writes `text` to a file in the scenario's directory; its path.
    func file(_ name: String, _ text: String) throws -> String {
        let url = scenario.directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Stops gt-serve (SIGTERM) and checks it exited 0 without writing any of `secrets`.
    func stop(checking secrets: [String], file: StaticString = #filePath, line: UInt = #line) async throws -> Finished {
        tool.signal(SIGTERM)
        let finished = try await tool.finish(within: 60)
        XCTAssertEqual(finished.status, 0, finished.stderr, file: file, line: line)
        for planted in secrets + [Self.secret, Scenario.token] {
            XCTAssertFalse(finished.stderr.contains(planted) || finished.stdout.contains(planted),
                           "a secret in gt-serve's output:\n\(finished.stderr)", file: file, line: line)
        }
        return finished
    }
}
