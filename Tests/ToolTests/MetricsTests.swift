import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// gt-apply --metrics-file (README "Cron, with metrics"): the Prometheus textfile after every run —
/// success, failure, skipped (interrupted ones: RunOutcomeMetricsTests) — checked by `promtool check metrics`, with values that match
/// what the run did; gt-reconcile passes the file and --refresh through.
final class MetricsTests: SimulatorTestCase {
    private var scenario: Scenario!

    private var reconcileScript: String { TestPaths.packageRoot.appendingPathComponent("scripts/gt-reconcile").path }

    /// The value of one series (`name{labels}` exactly as written), nil when absent.
    private func value(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    func testSuccessFailureAndSkippedRunsEachWriteACheckedFile() async throws {
        scenario = try await Scenario.make(for: self,
                                           desired: ["web": [DeclaredAlert(name: "new"), DeclaredAlert(name: "bad")]],
                                           current: ["web": [SimState.alert("old")]])
        let metrics = scenario.directory.appendingPathComponent("textfile/gt.prom")
        try FileManager.default.createDirectory(at: metrics.deletingLastPathComponent(), withIntermediateDirectories: true)

        // A run with one failed action: status failed, per-instance counts by type and result.
        try await scenario.sim.faults([["method": "POST", "path": "/api/0/projects/nasa/web/alerts/", "action": "status", "status": 400]])
        let failed = try scenario.pipeline(apply: true, applyArguments: "--metrics-file '\(metrics.path)'")
        XCTAssertEqual(failed.status, 1, failed.stderr)
        var text = try String(contentsOf: metrics, encoding: .utf8)
        try MetricsFile(metrics.path).assertLastRun("failed")
        XCTAssertEqual(value(text, "gt_last_success_timestamp_seconds"), 0)
        XCTAssertEqual(value(text, #"gt_last_run_actions_planned{glitchtip_instance="gt",type="create"}"#), 2)
        XCTAssertEqual(value(text, #"gt_last_run_actions_planned{glitchtip_instance="gt",type="delete"}"#), 1)
        XCTAssertEqual(value(text, #"gt_last_run_actions{glitchtip_instance="gt",type="create",result="applied"}"#), 1)
        XCTAssertEqual(value(text, #"gt_last_run_actions{glitchtip_instance="gt",type="create",result="failed"}"#), 1)
        XCTAssertEqual(value(text, #"gt_last_run_actions{glitchtip_instance="gt",type="delete",result="applied"}"#), 1)
        XCTAssertEqual(value(text, #"gt_last_run_errors{glitchtip_instance="gt"}"#), 1)
        XCTAssertEqual(value(text, #"gt_runs_total{status="failed"}"#), 1)
        XCTAssertEqual(value(text, "gt_last_run_dry_run"), 0)
        // Every tool's counters reached gt-apply (gt-desired and gt-current through gt-diff's trailer).
        XCTAssertGreaterThan(value(text, #"gt_last_run_requests{tool="gt-current"}"#) ?? 0, 0, text)
        XCTAssertGreaterThan(value(text, #"gt_last_run_requests{tool="gt-apply"}"#) ?? 0, 0, text)
        XCTAssertGreaterThan(value(text, #"gt_last_run_cache_misses{tool="gt-current"}"#) ?? 0, 0, text)
        XCTAssertNotNil(value(text, #"gt_last_run_cache_hits{tool="gt-current"}"#))
        XCTAssertNotNil(value(text, #"gt_last_run_retries{tool="gt-current"}"#))
        for tool in ["gt-desired", "gt-current", "gt-diff", "gt-apply"] {
            XCTAssertNotNil(value(text, "gt_last_run_duration_seconds{tool=\"\(tool)\"}"), "no duration for \(tool)")
        }
        XCTAssertFalse(text.contains("new\"") || text.contains("\"bad"), "an alert name became a label")
        XCTAssertFalse(text.contains(Scenario.token))

        // A clean run: success, its time recorded; the counter goes on from the previous file.
        try await scenario.sim.faults([])
        let before = Date().timeIntervalSince1970
        let clean = try scenario.pipeline(apply: true, applyArguments: "--metrics-file '\(metrics.path)'")
        XCTAssertEqual(clean.status, 0, clean.stderr)
        text = try String(contentsOf: metrics, encoding: .utf8)
        try MetricsFile(metrics.path).assertLastRun("success")
        let success = try XCTUnwrap(value(text, "gt_last_success_timestamp_seconds"))
        XCTAssertGreaterThanOrEqual(success, before.rounded(.down) - 1)
        XCTAssertEqual(value(text, #"gt_runs_total{status="failed"}"#), 1)
        XCTAssertEqual(value(text, #"gt_runs_total{status="success"}"#), 1)
        XCTAssertEqual(value(text, #"gt_last_run_actions{glitchtip_instance="gt",type="create",result="applied"}"#), 1)

        // Skipped as a duplicate (another holder of the run lock): the last success is kept.
        let lock = scenario.directory.appendingPathComponent("apply-gt.lock").path
        let d = scenario.dataDirectory
        try await scenario.setCurrent(["web": []])
        let skipped = try Tools.shell("""
            exec 9> '\(lock)'; flock 9
            gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet) | gt-apply --no-dry-run --metrics-file '\(metrics.path)'
            """, environment: scenario.environment)
        XCTAssertEqual(skipped.status, 0, skipped.stderr)
        text = try String(contentsOf: metrics, encoding: .utf8)
        try MetricsFile(metrics.path).assertLastRun("skipped")
        XCTAssertEqual(value(text, "gt_last_run_skipped_duplicate"), 1, text)
        XCTAssertEqual(value(text, "gt_last_success_timestamp_seconds"), success)
        XCTAssertEqual(value(text, #"gt_runs_total{status="skipped"}"#), 1)
        XCTAssertEqual(value(text, #"gt_last_run_actions{glitchtip_instance="gt",type="create",result="not_attempted"}"#), 2)

        // A refused stream (a producer that died) is a failed run too, through GT_METRICS_FILE.
        let refused = try Tools.shell("printf '' | gt-apply --no-dry-run", environment: ["GT_METRICS_FILE": metrics.path,
                                                                                       "GT_DATA_DIR": scenario.dataDirectory])
        XCTAssertEqual(refused.status, 1)
        text = try String(contentsOf: metrics, encoding: .utf8)
        try MetricsFile(metrics.path).assertLastRun("failed")
        XCTAssertEqual(value(text, #"gt_last_run_errors{glitchtip_instance=""}"#), 1)
        XCTAssertEqual(value(text, #"gt_runs_total{status="failed"}"#), 2)
        XCTAssertEqual(value(text, "gt_last_success_timestamp_seconds"), success)

        // Written by rename: nothing but the file itself is left in the collector's directory.
        let left = try FileManager.default.contentsOfDirectory(atPath: metrics.deletingLastPathComponent().path)
        XCTAssertEqual(left, ["gt.prom"])
    }

    func testAnUnwritableMetricsFileFailsTheRun() throws {
        let result = try Tools.shell(#"printf '{"generator":"t","kind":"header","stream":"actions","version":1}\n{"complete":true,"errors":0,"kind":"end","records":0,"stats":{},"stream":"actions"}\n' | gt-apply --metrics-file /nonexistent/dir/gt.prom --format ndjson"#)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("cannot write the metrics file /nonexistent/dir/gt.prom"), result.stderr)
    }

    /// gt-reconcile passes --metrics-file to gt-apply and --refresh to gt-current: a run after a
    /// change made in the UI (behind the cache) sees it only with --refresh.
    func testReconcilePassesMetricsFileAndRefreshThrough() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
        let metrics = scenario.directory.appendingPathComponent("gt.prom").path
        let environment = scenario.environment.merging(["GT_BIN_DIR": Tools.binDirectory.path]) { $1 }
        func reconcile(_ arguments: String) throws -> ToolResult {
            try Tools.shell("'\(reconcileScript)' --data '\(scenario.dataDirectory)' --format ndjson \(arguments)", environment: environment)
        }
        XCTAssertEqual(try reconcile("").status, 0)  // fills the cache: web has no alert

        // Someone creates the alert in the UI; the cache still says web has none.
        try await scenario.sim.load(SimState.state([SimState.organization("nasa", projects: [
            SimState.project("web", alerts: [SimState.alert("n")])])],
            tokens: [Scenario.token: ["org:read", "project:read", "project:write", "project:admin"]]))

        let cached = try reconcile("--metrics-file '\(metrics)'")
        XCTAssertEqual(cached.status, 0, cached.stderr)
        XCTAssertEqual(try summary(cached)?["actions"]?.arrayValue?.count, 1, "the cached listing plans a create")
        var text = try String(contentsOfFile: metrics, encoding: .utf8)
        XCTAssertGreaterThan(value(text, #"gt_last_run_cache_hits{tool="gt-current"}"#) ?? 0, 0, text)
        XCTAssertEqual(value(text, "gt_last_run_dry_run"), 1)

        let fresh = try reconcile("--refresh --metrics-file '\(metrics)'")
        XCTAssertEqual(fresh.status, 0, fresh.stderr)
        XCTAssertEqual(try summary(fresh)?["actions"]?.arrayValue?.count, 0, "--refresh did not reach gt-current")
        text = try String(contentsOfFile: metrics, encoding: .utf8)
        XCTAssertEqual(value(text, #"gt_last_run_cache_hits{tool="gt-current"}"#), 0, text)
        XCTAssertEqual(value(text, #"gt_runs_total{status="success"}"#), 2)
    }

    /// A run gt-reconcile stops at its --timeout while gt-current waits on a slow GlitchTip (gt-apply
    /// is still reading its plan) is recorded as interrupted, not as a failed action.
    func testAReconcileTimeoutWhileGtCurrentWaitsIsAnInterruptedRun() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []],
                                           readTimeout: 30)
        try await scenario.sim.config(["latency_ms": 3000])
        let metrics = scenario.directory.appendingPathComponent("gt.prom").path
        let result = try Tools.shell("'\(reconcileScript)' --data '\(scenario.dataDirectory)' --no-dry-run --timeout 1 --metrics-file '\(metrics)'",
                                     environment: scenario.environment.merging(["GT_BIN_DIR": Tools.binDirectory.path]) { $1 })
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("did not complete within the timeout period"), result.stderr)
        let file = try MetricsFile(metrics)
        try file.assertLastRun("interrupted")
        XCTAssertEqual(file.runs("interrupted"), 1)
        XCTAssertEqual(file.runs("failed"), 0)
    }

    /// The alert rules in README "Cron, with metrics" pass `promtool check rules`, and every gt
    /// metric they use is one gt-apply writes.
    func testTheReadmeAlertRulePassesPromtool() throws {
        let readme = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = readme.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        let rule = try XCTUnwrap(blocks.first { $0.hasPrefix("groups:") }, "no alert rule (a yaml block starting with groups:) in the README")
        let directory = scratchDirectory()
        let rules = directory.appendingPathComponent("gt-rules.yml")
        try rule.write(to: rules, atomically: true, encoding: .utf8)
        let check = try Tools.shell("promtool check rules '\(rules.path)'")
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains("SUCCESS: 2 rules found"), check.stdout)

        let metrics = directory.appendingPathComponent("gt.prom").path
        _ = try Tools.shell("printf '' | gt-apply --metrics-file '\(metrics)'")
        let written = try String(contentsOfFile: metrics, encoding: .utf8)
        let used = try NSRegularExpression(pattern: "gt_[a-z_]+").matches(in: rule, range: NSRange(rule.startIndex..., in: rule))
            .map { String(rule[Range($0.range, in: rule)!]) }
        XCTAssertFalse(used.isEmpty)
        XCTAssertTrue(written.contains("\ngt_runs_total{status=\"interrupted\"} 0\n"), written)
        for name in used { XCTAssertTrue(written.contains("\n\(name) ") || written.contains("\n\(name){"), "the rule uses \(name), which gt-apply does not write") }
    }
}
