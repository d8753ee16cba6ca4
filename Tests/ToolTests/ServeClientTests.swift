import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// The reference client's view of gt-serve, end to end: the Python client of Tests/ServeClient
/// (the generated client's models, its flow: POST, then GET the path of `status_url` with
/// `?timeout=300`) against the built gt-serve and the simulator, over real HTTP. Every answer
/// is parsed by the models; gt-serve's output is scanned for the planted secrets.
final class ServeClientTests: SimulatorTestCase {
    static let hook = "https://hooks.example.com/services/planted-hook-secret"
    private let path = ServeClientFixture.path
    /// A fleet whose plan has every kind: an update (`errors`), a create (`new-one`), a delete (`old`).
    private let desired: [String: [DeclaredAlert]] = [
        "api": [DeclaredAlert(name: "errors", quantity: 10, timespan: 5, recipients: [("webhook", hook), ("email-project-members", nil)]),
                DeclaredAlert(name: "new-one", quantity: 2, timespan: 3)],
        "web": [DeclaredAlert(name: "same")],
    ]
    private let current: [String: [JSONValue]] = [
        "api": [SimState.alert("errors", quantity: 1, timespan: 5), SimState.alert("old", quantity: 7, timespan: 7)],
        "web": [SimState.alert("same")],
    ]

    /// Two creates in one project: a project's actions run one after the other.
    private let twoCreates = ["api": [DeclaredAlert(name: "a"), DeclaredAlert(name: "b")]]

    private func lines(_ actions: JSONValue?) -> [String] {
        (actions?.arrayValue ?? []).map { action in
            ["action_type", "instance", "organization", "project", "alert_name"].map { action[$0]?.stringValue ?? "?" }.joined(separator: " ")
        }
    }

    /// A dry run's actions are the pipeline's plan (`gt-desired | gt-diff <(gt-current)`) for
    /// the same App-Interface; the request and both answers go through the client's models.
    func testADryRunsActionsAreThePipelinesPlan() async throws {
        let serve = try await ServeClientFixture(for: self, desired: desired, current: current)
        let token = try ServeClientFixture.token("ci-bot")
        let pipeline = try serve.scenario.plan()
        XCTAssertEqual(pipeline.map(\.type), [.create, .update, .delete], "the fleet plans every kind")
        // The client's CI headers: logged with the task, the URL's query (a CI token) not.
        let run = try serve.drive(["reconcile", try serve.request(dryRun: true), "--header", "X-GitLab-MR-ID: 42",
                                   "--header", "X-Build-Url: https://ci.example.com/job/7?token=planted-ci-secret"], token: token)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.answers.map { $0["model"] }, ["GlitchtipProjectAlertsTaskResponse", "GlitchtipProjectAlertsTaskResult"])
        let task = try XCTUnwrap(run.answers.first?["body"])
        XCTAssertEqual(task["status_url"]?.stringValue, "\(serve.baseURL)\(path)/\(task["id"]?.stringValue ?? "")")
        let result = try XCTUnwrap(run.answers.last?["body"])
        XCTAssertEqual(result["status"], "success")
        XCTAssertEqual(result["errors"], [])
        XCTAssertEqual(lines(result["actions"]), pipeline.map { "\($0.type.rawValue) \($0.instance) \($0.organization) \($0.project) \($0.alertName)" })
        XCTAssertEqual(result["applied_count"], 0)
        let mutations = try await serve.scenario.mutations()
        XCTAssertEqual(mutations.count, 0, "a dry run changed GlitchTip")
        let finished = try await serve.stop(checking: [token, Self.hook, "planted-ci-secret"])
        let posts = finished.stderr.split(separator: "\n").compactMap { try? JSONValue(parsing: String($0)) }
            .filter { $0["event"] == "access" && $0["method"] == "POST" }
        XCTAssertEqual(posts.map { $0["gitlab_mr_id"] }, ["42"])
        XCTAssertEqual(posts.first?["build_url"]?.stringValue?.hasPrefix("https://ci.example.com/job/7"), true, "\(posts)")
    }

    /// An apply changes GlitchTip as planned; a second dry run then has nothing to do, and
    /// neither has the pipeline. The same request gzip-compressed plans the same.
    func testAnApplyThenNothingToDoAndGzipBodies() async throws {
        let serve = try await ServeClientFixture(for: self, desired: desired, current: current)
        let token = try ServeClientFixture.token("ci-bot")
        let dry = try serve.drive(["reconcile", "--gzip", try serve.request(dryRun: true)], token: token)
        XCTAssertEqual(dry.status, 0, dry.stderr)
        let planned = lines(dry.answers.last?["body"]?["actions"])
        XCTAssertEqual(planned.count, 3, "\(dry.answers)")

        let apply = try serve.drive(["reconcile", "--wait", try serve.request(dryRun: false)], token: token)
        XCTAssertEqual(apply.status, 0, apply.stderr)
        let applied = try XCTUnwrap(apply.answers.last?["body"])
        XCTAssertEqual(applied["status"], "success", "\(applied)")
        XCTAssertEqual(applied["applied_count"], 3)
        XCTAssertEqual(lines(applied["actions"]), planned)
        XCTAssertEqual(lines(applied["applied_actions"]), planned)
        let mutations = try await serve.scenario.mutations()
        XCTAssertEqual(mutations.count, 3)

        let again = try serve.drive(["reconcile", "--gzip", try serve.request(dryRun: true)], token: token)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.answers.last?["body"]?["actions"], [])
        XCTAssertEqual(try serve.scenario.plan(), [])
        _ = try await serve.stop(checking: [token, Self.hook])
    }

    /// An apply task while a cron gt-apply holds the instance's run lock: skipped, read as the
    /// reference's GET answers it; nothing sent by the task.
    func testATaskWhileGtApplyHoldsTheLockIsSkipped() async throws {
        let serve = try await ServeClientFixture(for: self, desired: twoCreates, current: ["api": []])
        let token = try ServeClientFixture.token("ci-bot")
        let plan = serve.scenario.directory.appendingPathComponent("plan.ndjson").path
        let d = serve.scenario.dataDirectory
        let planned = try Tools.shell("gt-desired --data '\(d)' | gt-diff --format ndjson <(gt-current --data '\(d)' --quiet) > '\(plan)'",
                                      environment: serve.scenario.environment)
        XCTAssertEqual(planned.status, 0, planned.stderr)
        // Each create is stored at once and answered 4 s later: gt-apply holds its lock meanwhile.
        try await serve.scenario.sim.faults([["method": "POST", "path": "/api/0/projects/", "match": "prefix", "times": 0,
                                              "action": "delay", "delay_ms": 4000, "after_process": true]])
        let output = serve.scenario.directory.appendingPathComponent("apply")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let cron = try BackgroundTool("gt-apply", ["--no-dry-run", "--format", "ndjson"], stdinFile: plan,
                                      environment: serve.scenario.environment, scratch: output)
        let holding = try await eventually(within: 60) { try await serve.scenario.mutations().count >= 1 }
        XCTAssertTrue(holding, "gt-apply's first create never arrived: "
                      + ((try? String(contentsOf: output.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""))

        let run = try serve.drive(["reconcile", "--wait", try serve.request(dryRun: false)], token: token)
        XCTAssertEqual(run.status, 1, "the client fails a result with errors: \(run.stderr)")
        XCTAssertEqual(run.answers.last?["body"], ["status": "success", "actions": [], "applied_actions": [], "applied_count": 0,
                                                   "errors": ["Task skipped: duplicate_task"]])
        let finished = try await cron.finish(within: 60)
        XCTAssertEqual(finished.status, 0, finished.stderr)
        let mutations = try await serve.scenario.mutations()
        XCTAssertEqual(mutations.count, 2, "the task sent a change")
        _ = try await serve.stop(checking: [token])
    }

    /// `?timeout=1` on a task still running: 408; the same task read later: its result. An
    /// unknown id: 404. A timeout out of range: 422 naming `timeout`.
    func testPendingUnknownAndOutOfRangeTimeouts() async throws {
        let serve = try await ServeClientFixture(for: self, desired: desired, current: current)
        let token = try ServeClientFixture.token("ci-bot")
        try await serve.scenario.sim.config(["latency_ms": 2500])  // every GlitchTip answer 2.5 s late
        let posted = try serve.call("POST", path, token: token, body: try serve.request(dryRun: true))
        XCTAssertEqual(posted.status, 202)
        let id = try XCTUnwrap(posted.body["id"]?.stringValue)
        let pending = try serve.call("GET", "\(path)/\(id)?timeout=1", token: token)
        XCTAssertEqual(pending.status, 408)
        XCTAssertEqual(pending.body, ["detail": "Task still pending after 1s"])
        // Without `timeout` (no QAPI_API_TASK_DEFAULT_TIMEOUT): at once, `pending` in the result's shape.
        let atOnce = try serve.call("GET", "\(path)/\(id)", token: token)
        XCTAssertEqual(atOnce.status, 200)
        XCTAssertEqual(atOnce.body, ["status": "pending", "actions": [], "applied_actions": [], "applied_count": 0, "errors": []])
        try await serve.scenario.sim.config(["latency_ms": 0])
        let done = try serve.call("GET", "\(path)/\(id)?timeout=300", token: token)
        XCTAssertEqual(done.status, 200)
        XCTAssertEqual(done.body["status"], "success", "\(done.body)")

        let unknown = try serve.call("GET", "\(path)/\(UUID().uuidString.lowercased())?timeout=1", token: token)
        XCTAssertEqual(unknown.status, 404)
        for bad in ["0", "301", "abc"] {
            let refused = try serve.call("GET", "\(path)/\(id)?timeout=\(bad)", token: token)
            XCTAssertEqual(refused.status, 422, bad)
            XCTAssertEqual(refused.body["detail"]?.arrayValue?.first?["loc"], ["query", "timeout"], "\(bad): \(refused.body)")
        }
        _ = try await serve.stop(checking: [token, Self.hook])
    }

    /// A request the models refuse: 422 with the field in `loc`; nothing runs.
    func testABadRequestIs422NamingTheField() async throws {
        let serve = try await ServeClientFixture(for: self, desired: desired, current: current)
        let token = try ServeClientFixture.token("ci-bot")
        try await serve.scenario.sim.clearRequests()
        let console = serve.scenario.sim.baseURL
        let instance = #"{"instances": [{"name": "gt", "console_url": "\#(console)", "token": {"secret_manager_url": "v", "path": "gt/creds", "field": "token"}, "#
        let cases: [(String, JSONValue)] = [
            (#"{"instances": [{"name": "gt", "token": {"secret_manager_url": "v", "path": "p"}}]}"#, ["body", "instances", 0, "console_url"]),
            (instance + #""organizations": [{"name": "nasa", "projects": [{"name": "api", "alerts": [{"name": "x", "timespan_minutes": 1, "quantity": 1, "recipients": [{"recipient_type": "webhook", "url": ""}]}]}]}]}], "dry_run": true}"#,
             ["body", "instances", 0, "organizations", 0, "projects", 0, "alerts", 0, "recipients", 0]),
            (instance + #""read_timeout": "soon"}]}"#, ["body", "instances", 0, "read_timeout"]),
        ]
        for (index, (body, loc)) in cases.enumerated() {
            let refused = try serve.call("POST", path, token: token, body: try serve.file("bad-\(index).json", body))
            XCTAssertEqual(refused.status, 422, body)
            XCTAssertEqual(refused.body["detail"]?.arrayValue?.first?["loc"], loc, "\(refused.body)")
        }
        let sent = try await serve.scenario.sim.requestLog().requests
        XCTAssertEqual(sent.count, 0, "a refused request reached GlitchTip")
        let tasks = serve.stderr.split(separator: "\n").filter { $0.contains(#""event":"task""#) }
        XCTAssertEqual(tasks, [], "a refused request ran")
        _ = try await serve.stop(checking: [token])
    }

    /// SIGTERM while an apply task runs (--shutdown-grace 0): the client's GET of that task
    /// answers `failed` with gt-apply's interruption error, never loses it; gt-serve exits 0.
    func testSIGTERMMidApplyTheTaskReadsFailed() async throws {
        let serve = try await ServeClientFixture(for: self, desired: twoCreates, current: ["api": []],
                                                 arguments: ["--shutdown-grace", "0"])
        let token = try ServeClientFixture.token("ci-bot")
        // Each create is stored at once and answered 3 s later: the window to signal in.
        try await serve.scenario.sim.faults([["method": "POST", "path": "/api/0/projects/", "match": "prefix", "times": 0,
                                              "action": "delay", "delay_ms": 3000, "after_process": true]])
        // The client returns right after the POST of an apply.
        let run = try serve.drive(["reconcile", try serve.request(dryRun: false)], token: token)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.answers.map { $0["step"] }, ["post"])
        let id = try XCTUnwrap(run.answers.first?["body"]?["id"]?.stringValue)
        let started = try await eventually(within: 60) { try await serve.scenario.mutations().count >= 1 }
        XCTAssertTrue(started, "no create reached GlitchTip: \(serve.stderr)")
        serve.tool.signal(SIGTERM)
        let draining = try await eventually(within: 30) { serve.stderr.contains("gt-serve: SIGTERM: taking no new task") }
        XCTAssertTrue(draining, serve.stderr)
        let result = try serve.call("GET", "\(path)/\(id)?timeout=300", token: token)
        XCTAssertEqual(result.status, 200)
        XCTAssertEqual(result.body["status"], "failed", "\(result.body)")
        XCTAssertEqual(result.body["applied_count"], 1)
        XCTAssertEqual(result.body["errors"], [
            "interrupted by SIGTERM: 1 of 2 actions not attempted; the next run plans from what GlitchTip then holds",
        ])
        let finished = try await serve.tool.finish(within: 60)
        XCTAssertEqual(finished.status, 0, finished.stderr)
        for planted in [token, ServeClientFixture.secret, Scenario.token] {
            XCTAssertFalse(finished.stderr.contains(planted) || finished.stdout.contains(planted), finished.stderr)
        }
        let mutations = try await serve.scenario.mutations()
        XCTAssertEqual(mutations.count, 1, "a change started after SIGTERM")
    }

    /// The models refuse what the generated client refuses, so an answer gt-serve got wrong
    /// fails these tests: `errors: null`, a field the client does not know, a missing one, a
    /// status or action type outside its enum.
    func testTheClientsModelsRefuseWhatTheGeneratedClientRefuses() throws {
        let script = """
            import sys
            sys.path.insert(0, "Tests/ServeClient")
            from client_models import GlitchtipProjectAlertsTaskResult as R, GlitchtipProjectAlertsTaskResponse as T
            good = {"status": "success", "actions": [{"action_type": "create", "instance": "i", "organization": "o",
                    "project": "p", "alert_name": "a"}], "applied_actions": [], "applied_count": 0, "errors": []}
            R.model_validate(good)
            T.model_validate({"id": "x", "status": "pending", "status_url": "http://h/x"})
            bad = [dict(good, errors=None), dict(good, extra=1), {k: v for k, v in good.items() if k != "errors"},
                   dict(good, status="skipped"), dict(good, applied_count="0"),
                   dict(good, actions=[dict(good["actions"][0], action_type="rename")])]
            for case in bad:
                try:
                    R.model_validate(case)
                    print("accepted", case)
                except Exception:
                    print("refused")
            """
        let result = try Tools.run("/usr/bin/env", ["python3", "-c", script])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, String(repeating: "refused\n", count: 6))
    }

    /// The client sends nothing for a desired state that is not whole: a stream cut short, with
    /// `complete: false`, or without its header.
    func testTheClientBuildsNoRequestFromAnIncompleteDesiredStream() throws {
        let header = #"{"generator":"gt-desired 0.1.0","kind":"header","stream":"desired","version":1}"#
        let instance = #"{"console_url":"http://127.0.0.1:1","kind":"instance","max_retries":3,"name":"gt","read_timeout":10,"#
            + #""token":{"field":"token","format":"plain","path":"gt/creds"}}"#
        let end = #"{"complete":true,"errors":0,"kind":"end","records":1,"stats":{},"stream":"desired"}"#
        func request(_ lines: [String]) throws -> ToolResult {
            try Tools.run("/usr/bin/env", ["python3", ServeClientFixture.driver, "request"], stdin: lines.joined(separator: "\n") + "\n")
        }
        let whole = try request([header, instance, end])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        XCTAssertTrue(whole.stdout.contains(#""name":"gt""#), whole.stdout)
        for cut in [[header, instance], [header, instance, end.replacingOccurrences(of: "true", with: "false")], [instance, end]] {
            let refused = try request(cut)
            XCTAssertNotEqual(refused.status, 0, "\(cut)")
            XCTAssertEqual(refused.stdout, "", "\(cut)")
        }
    }
}
