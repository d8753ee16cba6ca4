import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// Every way a run can end leaves a metrics file that says which (README "Cron, with metrics"):
/// a run stopped by a signal or by gt-reconcile's --timeout is `interrupted`, wherever it was
/// stopped (mid-apply, while the plan was read, before gt-apply started); a gt-apply that died
/// without writing is `failed`. `gt_last_run_status` has exactly one 1, `gt_runs_total` counts it.
final class RunOutcomeMetricsTests: SimulatorTestCase {
    private var scenario: Scenario!

    private var reconcileScript: String { TestPaths.packageRoot.appendingPathComponent("scripts/gt-reconcile").path }
    private var metrics: String { scenario.directory.appendingPathComponent("gt.prom").path }

    /// `projects` projects with one alert to create each; every POST is stored at once, answered
    /// after `delay` ms.
    private func slowCreates(projects: Int, delay: Int64) async throws {
        let names = (1...projects).map { "p\($0)" }
        scenario = try await Scenario.make(for: self,
                                           desired: Dictionary(uniqueKeysWithValues: names.map { ($0, [DeclaredAlert(name: "n")]) }),
                                           current: Dictionary(uniqueKeysWithValues: names.map { ($0, []) }), readTimeout: 30)
        try await scenario.sim.faults([["method": "POST", "path": "/api/0/projects/", "match": "prefix", "times": 0,
                                        "action": "delay", "delay_ms": .int(delay), "after_process": true]])
    }

    private func createdCount() async throws -> Int {
        try await scenario.alerts("p1").count + scenario.alerts("p2").count
    }

    private func reconcile(_ arguments: String, binDirectory: String = Tools.binDirectory.path) throws -> ToolResult {
        try Tools.shell("'\(reconcileScript)' --data '\(scenario.dataDirectory)' --format ndjson --metrics-file '\(metrics)' \(arguments)",
                        environment: scenario.environment.merging(["GT_BIN_DIR": binDirectory]) { $1 })
    }

    func testSIGTERMMidApplyIsAnInterruptedRun() async throws {
        try await slowCreates(projects: 2, delay: 3000)
        let d = scenario.dataDirectory
        let plan = scenario.directory.appendingPathComponent("plan.ndjson").path
        let planned = try Tools.shell("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet) > '\(plan)'",
                                      environment: scenario.environment)
        XCTAssertEqual(planned.status, 0, planned.stderr)
        let apply = try BackgroundTool("gt-apply", ["--no-dry-run", "--concurrency", "1", "--metrics-file", metrics], stdinFile: plan,
                                       environment: scenario.environment, scratch: scenario.directory)
        let started = try await eventually(within: 30) { try await self.createdCount() >= 1 }
        XCTAssertTrue(started, "no create reached the server")
        apply.signal(SIGTERM)
        let result = try await apply.finish(within: 30)
        XCTAssertEqual(result.status, 143, result.stderr)

        let file = try MetricsFile(metrics)
        try file.assertLastRun("interrupted")
        XCTAssertEqual(file.runs("interrupted"), 1)
        XCTAssertEqual(file.runs("failed"), 0)
        XCTAssertEqual(file.value("gt_last_success_timestamp_seconds"), 0)
        XCTAssertEqual(file.value(#"gt_last_run_actions{glitchtip_instance="gt",type="create",result="applied"}"#), 1)
        XCTAssertEqual(file.value(#"gt_last_run_actions{glitchtip_instance="gt",type="create",result="not_attempted"}"#), 1)
        XCTAssertEqual(file.value(#"gt_last_run_errors{glitchtip_instance=""}"#), 1)
    }

    /// A second signal ends gt-apply at once, its results stream incomplete: the metrics still
    /// record the interrupted run.
    func testASecondSignalMidApplyIsAnInterruptedRun() async throws {
        try await slowCreates(projects: 2, delay: 25_000)
        let d = scenario.dataDirectory
        let plan = scenario.directory.appendingPathComponent("plan.ndjson").path
        XCTAssertEqual(try Tools.shell("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet) > '\(plan)'",
                                       environment: scenario.environment).status, 0)
        let apply = try BackgroundTool("gt-apply", ["--no-dry-run", "--concurrency", "1", "--metrics-file", metrics], stdinFile: plan,
                                       environment: scenario.environment, scratch: scenario.directory)
        let started = try await eventually(within: 30) { try await self.createdCount() >= 1 }
        XCTAssertTrue(started, "no create reached the server")
        apply.signal(SIGTERM)
        let stderr = scenario.directory.appendingPathComponent("stderr").path
        let heard = try await eventually(within: 30) {
            (try? String(contentsOfFile: stderr, encoding: .utf8))?.contains("no new request starts") ?? false
        }
        XCTAssertTrue(heard, "gt-apply did not take the first signal")
        apply.signal(SIGTERM)
        let result = try await apply.finish(within: 60)
        XCTAssertEqual(result.status, 143, result.stderr)
        XCTAssertTrue(result.stderr.contains("second signal"), result.stderr)

        let file = try MetricsFile(metrics)
        try file.assertLastRun("interrupted")
        XCTAssertEqual(file.runs("interrupted"), 1)
    }

    func testASignalWhileThePlanIsReadIsAnInterruptedRun() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
        // stdin stays open: gt-apply waits for the rest of the plan.
        let apply = try BackgroundTool("gt-apply", ["--no-dry-run", "--metrics-file", metrics], stdinFile: nil,
                                       environment: scenario.environment, scratch: scenario.directory)
        let listening = try await eventually(within: 30) { apply.isCatching(SIGTERM) }
        XCTAssertTrue(listening, "gt-apply never listened to SIGTERM")
        apply.signal(SIGTERM)
        let result = try await apply.finish(within: 60)
        XCTAssertEqual(result.status, 143, result.stderr)

        let file = try MetricsFile(metrics)
        try file.assertLastRun("interrupted")
        XCTAssertEqual(file.runs("interrupted"), 1)
        XCTAssertEqual(file.value("gt_last_run_dry_run"), 0)
    }

    /// gt-reconcile's --timeout while gt-apply applies (4 creates under way, 2 not started):
    /// gt-apply reports, and records, the interrupted run itself.
    func testAReconcileTimeoutMidApplyIsAnInterruptedRun() async throws {
        try await slowCreates(projects: 6, delay: 8000)
        let result = try reconcile("--no-dry-run --timeout 5")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("did not complete within the timeout period"), result.stderr)
        XCTAssertEqual(try summary(result)?["status"], "interrupted", result.stdout)

        let file = try MetricsFile(metrics)
        try file.assertLastRun("interrupted")
        XCTAssertEqual(file.runs("interrupted"), 1)
        XCTAssertEqual(file.runs("failed"), 0, "a timeout counted as a failed action")
        XCTAssertEqual(file.value(#"gt_last_run_actions_planned{glitchtip_instance="gt",type="create"}"#), 6, "not stopped mid-apply")
        XCTAssertEqual(file.value(#"gt_last_run_actions{glitchtip_instance="gt",type="create",result="not_attempted"}"#), 2)
    }

    /// A gt-apply that never got to run (here: one that is still starting when the timeout
    /// comes) writes nothing; gt-reconcile records the interrupted run.
    func testAReconcileTimeoutBeforeGtApplyRunsIsAnInterruptedRun() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
        // Dies of the SIGTERM as a process that has not set up its handling yet (signals unblocked:
        // a child of async test code inherits them blocked).
        let bin = try wrappedApply(firstRun: #"exec python3 -c 'import signal, time; signal.pthread_sigmask(signal.SIG_SETMASK, []); time.sleep(600)'"#)
        let result = try reconcile("--no-dry-run --timeout 1", binDirectory: bin)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("did not complete within the timeout period"), result.stderr)

        let file = try MetricsFile(metrics)
        try file.assertLastRun("interrupted")
        XCTAssertEqual(file.runs("interrupted"), 1)
        XCTAssertEqual(file.value("gt_last_run_dry_run"), 0)
        XCTAssertEqual(file.value(#"gt_last_run_errors{glitchtip_instance=""}"#), 1)
    }

    /// A gt-apply that dies of a signal of its own (a crash) writes nothing; gt-reconcile records
    /// a failed run.
    func testACrashedGtApplyIsAFailedRun() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
        let bin = try wrappedApply(firstRun: "kill -SEGV $$")
        let result = try reconcile("", binDirectory: bin)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("gt-apply was killed by signal 11"), result.stderr)

        let file = try MetricsFile(metrics)
        try file.assertLastRun("failed")
        XCTAssertEqual(file.runs("failed"), 1)
        XCTAssertEqual(file.value("gt_last_run_dry_run"), 1)
    }

    /// SIGTERM to gt-reconcile itself (a service manager stopping it) while gt-current waits on a
    /// slow GlitchTip.
    func testSIGTERMToReconcileIsAnInterruptedRun() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []],
                                           readTimeout: 30)
        try await scenario.sim.config(["latency_ms": 20_000])
        // Started with SIGTERM unblocked: a child of async test code inherits it blocked.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
                             reconcileScript, "--data", scenario.dataDirectory, "--format", "ndjson", "--metrics-file", metrics]
        process.environment = Tools.environment(scenario.environment.merging(["GT_BIN_DIR": Tools.binDirectory.path]) { $1 })
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let waiting = try await eventually(within: 30) { try await !self.scenario.sim.requestLog().requests.isEmpty }
        XCTAssertTrue(waiting, "gt-current never reached the server")
        process.terminate()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)

        let file = try MetricsFile(metrics)
        try file.assertLastRun("interrupted")
        XCTAssertEqual(file.runs("interrupted"), 1)
        XCTAssertEqual(file.value("gt_last_run_dry_run"), 1)
    }

    /// Runs ending at the same moment each count: the file is read and replaced under a lock.
    func testRunsEndingTogetherAreEachCounted() throws {
        let directory = scratchDirectory()
        let file = directory.appendingPathComponent("gt.prom").path
        let runs = 24
        let result = try Tools.shell("for i in $(seq \(runs)); do gt-apply --metrics-file '\(file)' </dev/null 2>/dev/null & done; wait")
        XCTAssertEqual(result.status, 0, result.stderr)
        let metrics = try MetricsFile(file)
        try metrics.assertLastRun("failed")
        XCTAssertEqual(metrics.runs("failed"), Double(runs))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["gt.prom"])
    }

    /// A directory for GT_BIN_DIR with the real tools, but a gt-apply that runs `firstRun` (shell)
    /// the first time it is started, and the real gt-apply after that.
    private func wrappedApply(firstRun: String) throws -> String {
        let bin = scenario.directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for tool in ["gt-desired", "gt-current", "gt-diff"] {
            try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent(tool),
                                                       withDestinationURL: Tools.binDirectory.appendingPathComponent(tool))
        }
        let wrapper = bin.appendingPathComponent("gt-apply")
        try """
            #!/bin/bash
            if mkdir '\(bin.path)/started' 2>/dev/null; then \(firstRun); fi
            exec '\(Tools.binDirectory.appendingPathComponent("gt-apply").path)' "$@"

            """.write(to: wrapper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper.path)
        return bin.path
    }
}
