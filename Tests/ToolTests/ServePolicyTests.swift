import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// gt-serve's policy end to end: a policy it cannot read exactly stops it before it listens
/// (exit 64, the file and the field named), whether given by `--policy` or `GT_SERVE_POLICY`;
/// a readable one is enforced over HTTP (403). And a `status_url` for a request without Host
/// names the port `--port 0` took.
final class ServePolicyTests: SimulatorTestCase {
    private let path = ServeProcess.path

    private func policyFile(_ text: String) throws -> String {
        let file = scratchDirectory().appendingPathComponent("policy.json")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    /// gt-serve with `arguments` and `environment`, which must exit before it serves.
    private func refused(_ arguments: [String], environment: [String: String] = [:]) async throws -> Finished {
        let scratch = scratchDirectory().appendingPathComponent("refused-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let tool = try BackgroundTool("gt-serve", ["serve", "--port", "0", "--any-console-url"] + arguments, stdinFile: nil,
                                      environment: ["QAPI_JWT_SECRET_KEY": ServeProcess.secret].merging(environment) { $1 }, scratch: scratch)
        return try await tool.finish(within: 60)
    }

    func testAPolicyThatCannotBeReadStopsGTServe() async throws {
        let wrong = try policyFile(#"{"subjects": {"ops": {"instances": ["*"], "apply": "yes"}}}"#)
        let byFlag = try await refused(["--policy", wrong])
        XCTAssertEqual(byFlag.status, 64, byFlag.stderr)
        XCTAssertEqual(byFlag.stderr, "gt-serve: error: policy \(wrong): subjects.ops.apply: expected true or false\n")
        let byVariable = try await refused([], environment: ["GT_SERVE_POLICY": wrong])
        XCTAssertEqual(byVariable.status, 64, byVariable.stderr)
        XCTAssertEqual(byVariable.stderr, byFlag.stderr)
        let missing = wrong + ".missing"
        let absent = try await refused(["--policy", missing], environment: ["GT_SERVE_POLICY": "/the/flag/wins.json"])
        XCTAssertEqual(absent.status, 64, absent.stderr)
        XCTAssertEqual(absent.stderr, "gt-serve: error: policy \(missing): cannot read it: No such file or directory\n")
    }

    func testThePolicyIsEnforcedOverHTTP() async throws {
        let policy = try policyFile(#"{"subjects": {"ci-dry": {"instances": ["test-instance"]}}}"#)
        let myOrg = [SimState.organization("my-org", projects: [SimState.project("my-project")])]
        let serve = try await ServeProcess(for: self, organizations: myOrg, arguments: ["--policy", policy])
        let organizations: [JSONValue] = [["name": "my-org", "projects": [ServeProcess.project("my-project", alerts: ["a"])]]]
        let (stranger, strangerBody) = try await serve.call(.post, path, token: try serve.token("stranger"),
                                                            body: serve.body(organizations, dryRun: true))
        XCTAssertEqual(stranger, 403)
        XCTAssertEqual(strangerBody, ["detail": "Subject 'stranger' is not in gt-serve's policy"])
        let token = try serve.token("ci-dry")
        let (apply, applyBody) = try await serve.call(.post, path, token: token, body: serve.body(organizations, dryRun: false))
        XCTAssertEqual(apply, 403)
        XCTAssertEqual(applyBody, ["detail": "Subject 'ci-dry' may not apply: dry runs only"])
        let (dry, task) = try await serve.call(.post, path, token: token, body: serve.body(organizations, dryRun: true))
        XCTAssertEqual(dry, 202)
        let (code, result) = try await serve.call(.get, "\(path)/\(try XCTUnwrap(task?["id"]?.stringValue))?timeout=60", token: token)
        XCTAssertEqual(code, 200)
        XCTAssertEqual(result?["status"], "success")
        let mutations = try await serve.mutations()
        XCTAssertEqual(mutations, 0)
        await serve.shutdown()
        serve.tool.signal(SIGTERM)
        let finished = try await serve.tool.finish(within: 60)
        let access = finished.stderr.split(separator: "\n").compactMap { try? JSONValue(parsing: String($0)) }.filter { $0["event"] == "access" }
        XCTAssertEqual(access.map { $0["status"] }, [403, 403, 202, 200])
        XCTAssertEqual(access.map { $0["subject"] }, ["stranger", "ci-dry", "ci-dry", "ci-dry"])
    }

    /// A request without Host (HTTP/1.0 style) on `--port 0`: the status_url names the
    /// address and port the client reached, never port 0.
    func testAStatusURLWithoutHostNamesThePortTaken() async throws {
        let serve = try await ServeProcess(for: self, organizations: [])
        let body = scratchDirectory().appendingPathComponent("body.json")
        try serve.body([], dryRun: true).serialized().write(to: body, atomically: true, encoding: .utf8)
        let result = try Tools.shell(#"curl -sS -H 'Host:' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "#
                                         + #"--data-binary @"$BODY" "$URL""#,
                                     environment: ["TOKEN": try serve.token(), "BODY": body.path, "URL": serve.baseURL + path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let task = try JSONValue(parsing: result.stdout)
        let id = try XCTUnwrap(task["id"]?.stringValue, result.stdout)
        XCTAssertEqual(task["status_url"]?.stringValue, "\(serve.baseURL)\(path)/\(id)")
        _ = try await serve.call(.get, "\(path)/\(id)?timeout=60", token: try serve.token())
        await serve.shutdown()
    }
}
