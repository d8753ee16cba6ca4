import Foundation
import GTHTTP
import GTStreams
import GTTestSupport
import XCTest

/// gt-serve end to end: the built binary on a free port, the simulator as GlitchTip, the
/// reference's API over real HTTP: a dry run, an apply, SIGTERM in the middle of an apply.
final class ServeTests: SimulatorTestCase {
    private let path = ServeProcess.path
    private let myOrg = [SimState.organization("my-org", projects: [SimState.project("my-project")])]

    func testADryRunThenAnApplyOverHTTP() async throws {
        let serve = try await ServeProcess(for: self, organizations: myOrg)
        let token = try serve.token()
        let organizations: [JSONValue] = [["name": "my-org", "projects": [ServeProcess.project("my-project", alerts: ["new-alert"])]]]

        let (posted, task) = try await serve.call(.post, path, token: token, body: serve.body(organizations, dryRun: true))
        XCTAssertEqual(posted, 202)
        let id = try XCTUnwrap(task?["id"]?.stringValue)
        let statusURL = try XCTUnwrap(task?["status_url"]?.stringValue)
        XCTAssertEqual(statusURL, "\(serve.baseURL)\(path)/\(id)")
        let (code, result) = try await serve.call(.get, statusURL + "?timeout=60", token: token)
        XCTAssertEqual(code, 200)
        XCTAssertEqual(result, [
            "status": "success", "applied_actions": [], "applied_count": 0, "errors": [],
            "actions": [["action_type": "create", "instance": "test-instance", "organization": "my-org", "project": "my-project",
                         "alert_name": "new-alert"]],
        ])
        let afterDryRun = try await serve.mutations()
        XCTAssertEqual(afterDryRun, 0, "a dry run changed GlitchTip")

        let (_, applyTask) = try await serve.call(.post, path, token: token, body: serve.body(organizations, dryRun: false))
        let applyID = try XCTUnwrap(applyTask?["id"]?.stringValue)
        let (_, applied) = try await serve.call(.get, "\(path)/\(applyID)?timeout=60", token: token)
        XCTAssertEqual(applied?["status"], "success", "\(String(describing: applied))")
        XCTAssertEqual(applied?["applied_count"], 1)
        let afterApply = try await serve.mutations()
        XCTAssertEqual(afterApply, 1)
        await serve.shutdown()

        serve.tool.signal(SIGTERM)
        let finished = try await serve.tool.finish(within: 60)
        XCTAssertEqual(finished.status, 0, finished.stderr)
        let lines = finished.stderr.split(separator: "\n").compactMap { try? JSONValue(parsing: String($0)) }
        XCTAssertEqual(lines.filter { $0["event"] == "access" }.compactMap { $0["subject"]?.stringValue }, Array(repeating: "e2e-bot", count: 4))
        XCTAssertEqual(lines.filter { $0["event"] == "task" }.compactMap { $0["status"]?.stringValue }, ["success", "success"])
        for planted in [token, ServeProcess.secret, ServeProcess.glitchTipToken] {
            XCTAssertFalse(finished.stderr.contains(planted), "a secret in gt-serve's log:\n\(finished.stderr)")
        }
        XCTAssertEqual(finished.stdout, "")
    }

    /// SIGTERM while an apply is under way (--shutdown-grace 0): the change under way is
    /// finished, no new one starts, the task reads `failed` with gt-apply's interruption error
    /// (a GET during the drain gets that answer, a POST 503), and gt-serve exits 0.
    func testSIGTERMMidApplyLeavesTheTaskFailedInterrupted() async throws {
        let serve = try await ServeProcess(for: self, organizations: myOrg, arguments: ["--shutdown-grace", "0"])
        // Each create is stored at once and answered 3 s later: the window to signal in.
        try await serve.sim.faults([["method": "POST", "path": "/api/0/projects/", "match": "prefix", "times": 0,
                                     "action": "delay", "delay_ms": 3000, "after_process": true]])
        let token = try serve.token()
        // Two creates in one project: a project's actions run one after the other.
        let organizations: [JSONValue] = [["name": "my-org", "projects": [ServeProcess.project("my-project", alerts: ["a", "b"])]]]
        let (_, task) = try await serve.call(.post, path, token: token, body: serve.body(organizations, dryRun: false))
        let id = try XCTUnwrap(task?["id"]?.stringValue)
        let started = try await eventually(within: 60) { try await serve.mutations() >= 1 }
        XCTAssertTrue(started, "no create reached GlitchTip")
        serve.tool.signal(SIGTERM)
        // Draining: the create under way has about 3 s to go; gt-serve still answers meanwhile.
        let draining = try await eventually(within: 30) { serve.stderr.contains("gt-serve: SIGTERM: taking no new task") }
        XCTAssertTrue(draining, serve.stderr)
        let (refused, _) = try await serve.call(.post, path, token: token, body: serve.body(organizations, dryRun: true))
        XCTAssertEqual(refused, 503)
        let (code, result) = try await serve.call(.get, "\(path)/\(id)?timeout=300", token: token)
        XCTAssertEqual(code, 200)
        XCTAssertEqual(result?["status"], "failed", "\(String(describing: result))")
        XCTAssertEqual(result?["applied_count"], 1)
        XCTAssertEqual(result?["errors"], [
            "interrupted by SIGTERM: 1 of 2 actions not attempted; the next run plans from what GlitchTip then holds",
        ])
        await serve.shutdown()
        let finished = try await serve.tool.finish(within: 60)
        XCTAssertEqual(finished.status, 0, finished.stderr)
        let ends = finished.stderr.split(separator: "\n").compactMap { try? JSONValue(parsing: String($0)) }.filter { $0["event"] == "task" }
        XCTAssertEqual(ends.map { $0["id"] }, [.string(id)])
        XCTAssertEqual(ends.first?["status"], "failed")
        let mutations = try await serve.mutations()
        XCTAssertEqual(mutations, 1, "a change started after SIGTERM")
    }

    /// A client that connects and sends nothing, or stops halfway through a body, is closed
    /// after the idle timeout: idle or trickling connections cannot hold every descriptor.
    func testIdleAndStalledConnectionsAreClosed() async throws {
        let serve = try await ServeProcess(for: self, organizations: myOrg)
        let port = try XCTUnwrap(serve.baseURL.split(separator: ":").last)
        let client = #"""
            import socket, sys
            from concurrent.futures import ThreadPoolExecutor
            def ends(first):
                s = socket.create_connection(("127.0.0.1", \#(port)))
                s.settimeout(120)
                if first: s.sendall(first)
                try:
                    while s.recv(4096): pass
                    return "closed"
                except socket.timeout:
                    return "still open"
            with ThreadPoolExecutor(2) as pool:
                print(*pool.map(ends, [b"", b"POST \#(ServeProcess.path) HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"dry"]))
            """#
        let result = try Tools.run("/usr/bin/python3", ["-c", client])
        XCTAssertEqual(result.stdout, "closed closed\n", result.stderr)
    }

    func testItRefusesToStartWithoutASecretOfThirtyTwoBytes() throws {
        let none = try Tools.run("gt-serve", ["--port", "0", "--any-console-url"])
        XCTAssertEqual(none.status, 64)
        XCTAssertTrue(none.stderr.contains("gt-serve: error: QAPI_JWT_SECRET_KEY is not set: gt-serve has no default secret"), none.stderr)
        let short = try Tools.run("gt-serve", ["serve", "--port", "0", "--any-console-url"], environment: ["QAPI_JWT_SECRET_KEY": "planted-short"])
        XCTAssertEqual(short.status, 64)
        XCTAssertTrue(short.stderr.contains("QAPI_JWT_SECRET_KEY has 13 bytes: at least 32 are needed"), short.stderr)
        XCTAssertFalse(short.stderr.contains("planted-short"), short.stderr)
        let token = try Tools.run("gt-serve", ["token", "--sub", "x"])
        XCTAssertEqual(token.status, 64)
        XCTAssertEqual(token.stdout, "")
    }

    /// Without --instances (each instance pinned to its URL and token) or the explicit
    /// --any-console-url, gt-serve does not start; a wrong instances file is refused by its place.
    func testItRefusesToStartWithoutPinnedInstancesOrTheirWaiver() throws {
        let environment = ["QAPI_JWT_SECRET_KEY": ServeProcess.secret]
        let unpinned = try Tools.run("gt-serve", ["--port", "0"], environment: environment)
        XCTAssertEqual(unpinned.status, 64)
        XCTAssertTrue(unpinned.stderr.contains("give --instances FILE (each instance pinned to its console_url and token), or --any-console-url"),
                      unpinned.stderr)
        let both = try Tools.run("gt-serve", ["--port", "0", "--any-console-url", "--instances", "/dev/null"], environment: environment)
        XCTAssertEqual(both.status, 64)
        XCTAssertTrue(both.stderr.contains("--instances and --any-console-url exclude each other"), both.stderr)
        let file = scratchDirectory().appendingPathComponent("pins.yml")
        try "instances: {a: {console_url: 'https://user:planted-pw@glitchtip.example.com', token: {path: p, field: f}}}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let wrong = try Tools.run("gt-serve", ["--port", "0", "--instances", file.path], environment: environment)
        XCTAssertEqual(wrong.status, 64)
        XCTAssertTrue(wrong.stderr.contains("gt-serve: error: instances file \(file.path): instances.a.console_url: must not carry"), wrong.stderr)
        XCTAssertFalse(wrong.stderr.contains("planted-pw"), wrong.stderr)
    }

    /// `gt-serve token` mints an HS256 JWT with `sub` and `exp` days ahead.
    func testTokenMintsAJWTForTheSubject() throws {
        let result = try Tools.run("gt-serve", ["token", "--sub", "ci-bot", "--days", "2"], environment: ["QAPI_JWT_SECRET_KEY": ServeProcess.secret])
        XCTAssertEqual(result.status, 0, result.stderr)
        let parts = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").map(String.init)
        XCTAssertEqual(parts.count, 3)
        func decode(_ part: String) throws -> JSONValue {
            var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while text.count % 4 != 0 { text += "=" }
            return try JSONValue(parsing: Array(try XCTUnwrap(Data(base64Encoded: text))))
        }
        XCTAssertEqual(try decode(parts[0]), ["alg": "HS256", "typ": "JWT"])
        let claims = try decode(parts[1])
        XCTAssertEqual(claims["sub"], "ci-bot")
        let expires = try XCTUnwrap(claims["exp"]?.intValue)
        let now = Int64(Date().timeIntervalSince1970)
        XCTAssertTrue((now + 2 * 86_400 - 600...now + 2 * 86_400 + 600).contains(expires), "exp \(expires), now \(now)")
        for bad in [["token"], ["token", "--sub", ""], ["token", "--sub", "x", "--days", "0"], ["token", "--sub", "x", "--days", "1e17"]] {
            let refused = try Tools.run("gt-serve", bad, environment: ["QAPI_JWT_SECRET_KEY": ServeProcess.secret])
            XCTAssertEqual(refused.status, 64, "\(bad)")
        }
    }
}
