import ApplyCore
@testable import ApplyRun
import Foundation
import GTCLI
import GTStreams
import XCTest

/// What a run reports for each way it ends (README "gt-apply", docs/streams.md "summary") and
/// the metrics it leaves (README "Cron, with metrics"), from runs made in process; and
/// `--max-deletes`, which refuses the whole run before any lock or request.
final class RunReportTests: XCTestCase {
    private typealias F = ApplierFixture
    private typealias R = RunFixture

    /// A run that ended with `status`, made for real against the in-memory GlitchTip.
    private func outcome(_ status: RunStatus) async throws -> ApplyOutcome {
        let fixture = try R(in: self, alerts: status == .failed ? [F.wire(F.alert("a"), pk: 5)] : [])
        let plan = R.plan([F.create(F.alert("a"))])
        switch status {
        case .success, .failed:
            return await fixture.run(plan)
        case .skipped:
            let holder = try FileLock(path: fixture.lockPath) { _ in true }
            defer { holder.release() }
            XCTAssertTrue(try holder.tryLock())
            return await fixture.run(plan)
        case .interrupted:
            let interruption = RunInterruption()
            interruption.beginRunning()
            interruption.receive(SIGTERM) { _ in }
            return await fixture.run(plan, interruption: interruption)
        }
    }

    private func value(_ metrics: String, _ series: String) -> String? {
        metrics.split(separator: "\n").first { $0.hasPrefix(series + " ") }.map { String($0.dropFirst(series.count + 1)) }
    }

    func testEveryStatusIsReportedAndLeavesItsMetrics() async throws {
        let lastLines: [RunStatus: String] = [
            .success: "Applied 1 of 1 actions; status success.",
            .failed: "Applied 0 of 1 actions; status failed.",
            .skipped: "Skipped: duplicate_task (another gt-apply is running for glitchtip).",
            .interrupted: "Interrupted by SIGTERM: applied 0 of 1 actions, 1 not attempted; status interrupted.",
        ]
        let results: [RunStatus: String] = [.success: "applied", .failed: "failed", .skipped: "not_attempted", .interrupted: "not_attempted"]
        for status in RunStatus.allCases {
            let outcome = try await outcome(status)
            let report = outcome.report
            XCTAssertEqual(report.status, status)
            XCTAssertEqual(report.summary["status"], .string(status.rawValue))
            XCTAssertEqual(report.summary["reason"], status == .skipped ? "duplicate_task" : status == .interrupted ? "SIGTERM" : nil)
            XCTAssertEqual(report.summary["applied_count"], .int(status == .success ? 1 : 0))
            XCTAssertEqual(report.summary["errors"], status == .skipped ? .null : .array(report.allErrors.map { .string($0) }))
            XCTAssertEqual(report.records().filter { $0["kind"] == "result" }.count, [.success, .failed].contains(status) ? 1 : 0)
            let text = report.text(PlanText(color: false), dryRun: false)
            XCTAssertEqual(text.split(separator: "\n").last.map(String.init), lastLines[status], status.rawValue)
            let markdown = report.markdown(dryRun: false)
            XCTAssertTrue(status == .skipped ? markdown == "Skipped: duplicate_task (another gt-apply is running for `glitchtip`).\n"
                          : markdown.contains("Applied \(report.appliedCount) of 1 actions; status \(status.rawValue)."), markdown)

            let metrics = RunMetrics(report, dryRun: false, actionStats: [:], ownStats: outcome.stats(elapsed: .milliseconds(1500)))
                .render(previous: nil)
            for other in RunStatus.allCases {
                XCTAssertEqual(value(metrics, "gt_last_run_status{status=\"\(other.rawValue)\"}"), other == status ? "1" : "0")
            }
            XCTAssertEqual(value(metrics, "gt_last_run_skipped_duplicate"), status == .skipped ? "1" : "0")
            let series = "gt_last_run_actions{glitchtip_instance=\"glitchtip\",type=\"create\",result=\"\(results[status]!)\"}"
            XCTAssertEqual(value(metrics, series), "1", "\(status): \(metrics)")
            XCTAssertEqual(value(metrics, "gt_last_run_errors{glitchtip_instance=\"\"}"), status == .interrupted ? "1" : "0")
            XCTAssertEqual(value(metrics, "gt_last_run_errors{glitchtip_instance=\"glitchtip\"}"), status == .failed ? "1" : "0")
            XCTAssertEqual(value(metrics, "gt_last_run_duration_seconds{tool=\"gt-apply\"}"), "1.5")
        }
    }

    func testMaxDeletesRefusesTheWholeRunBeforeAnyLockOrRequest() async throws {
        let old = [F.alert("x", pk: 1), F.alert("y", pk: 2)]
        let fixture = try R(in: self, alerts: old.map { F.wire($0, pk: $0.pk!) })
        let plan = R.plan(old.map(F.delete))
        let refused = await fixture.run(plan, configure: { $0.maxDeletes = 1 })
        XCTAssertEqual(refused.report.runErrors, ["the plan deletes 2 alerts, more than --max-deletes 1; nothing applied"])
        XCTAssertEqual(R.results(refused.report), ["planned", "planned"])
        XCTAssertEqual(refused.report.status, .failed)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: fixture.lockDirectory), [])
        XCTAssertEqual(fixture.requests, [])

        let applied = await fixture.run(plan, configure: { $0.maxDeletes = 2 })
        XCTAssertEqual(R.results(applied.report), ["applied", "applied"])
        XCTAssertEqual(fixture.glitchtip.alerts, [])
    }

    /// The results stream a front end writes from an outcome, and the metrics file, once.
    func testTheOutputAndTheMetricsFileOfARun() async throws {
        let outcome = try await outcome(.success)
        let directory = scratchDirectory()
        let results = directory.appendingPathComponent("results.ndjson").path
        let metricsPath = directory.appendingPathComponent("gt.prom").path
        let fd = open(results, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        let metrics = MetricsRecorder(path: metricsPath) { XCTFail($0) }
        let output = RunOutput(.stream, on: FileOutput(fd: fd), generator: "gt-apply test", dryRun: false, metrics: metrics,
                               diagnostics: Diagnostics(tool: "gt-apply"))
        XCTAssertTrue(output.report(outcome, actionStats: [:], elapsed: .seconds(2)))
        let records = try String(contentsOfFile: results, encoding: .utf8).split(separator: "\n").map { try JSONValue(parsing: Array($0.utf8)) }
        XCTAssertEqual(records.map { $0["kind"] }, ["header", "result", "summary", "end"])
        XCTAssertEqual(records.last?["complete"], true)
        XCTAssertEqual(records.last?["stats"]?["elapsed_ms"], 2000)
        XCTAssertEqual(records.last?["stats"]?["requests"], 0)
        let written = try String(contentsOfFile: metricsPath, encoding: .utf8)
        XCTAssertEqual(value(written, "gt_last_run_status{status=\"success\"}"), "1")
        // Written once: a signal that ends the process later records nothing more.
        XCTAssertTrue(metrics.record(.unreadPlan(.interrupted, dryRun: false, elapsed: .zero)))
        XCTAssertEqual(try String(contentsOfFile: metricsPath, encoding: .utf8), written)
    }

    /// A plan that cannot be read: an incomplete results stream and a failed run's metrics.
    func testARefusedPlanLeavesAnIncompleteStreamAndAFailedRun() throws {
        let directory = scratchDirectory()
        let results = directory.appendingPathComponent("results.ndjson").path
        let metricsPath = directory.appendingPathComponent("gt.prom").path
        let fd = open(results, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(fd) }
        let output = RunOutput(.stream, on: FileOutput(fd: fd), generator: "gt-apply test", dryRun: false,
                               metrics: MetricsRecorder(path: metricsPath) { XCTFail($0) }, diagnostics: Diagnostics(tool: "gt-apply"))
        let empty = directory.appendingPathComponent("empty.ndjson").path
        XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
        XCTAssertNil(output.accepted(Result { try ApplyPlan.read(try LineReader(path: empty)) }, elapsed: .zero))
        let records = try String(contentsOfFile: results, encoding: .utf8).split(separator: "\n").map { try JSONValue(parsing: Array($0.utf8)) }
        XCTAssertEqual(records.map { $0["kind"] }, ["header", "end"])
        XCTAssertEqual(records.last?["complete"], false)
        XCTAssertEqual(value(try String(contentsOfFile: metricsPath, encoding: .utf8), "gt_last_run_status{status=\"failed\"}"), "1")
    }
}
