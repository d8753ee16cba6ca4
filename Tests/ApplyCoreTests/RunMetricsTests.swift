import ApplyCore
import Foundation
import GTStreams
import XCTest

/// RunMetrics in process (README "Cron, with metrics"): every status has its series, the last
/// run's is the only 1; what carries over from the previous file survives any content there.
final class RunMetricsTests: XCTestCase {
    private typealias F = ApplierFixture

    /// The value of `series` exactly as written, nil when absent.
    private func value(_ text: String, _ series: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.map { String($0.dropFirst(series.count + 1)) }
    }

    private func metrics(_ status: RunStatus, at time: Double = 1_000) -> RunMetrics {
        RunMetrics(status: status, finishedAt: time, dryRun: false, runErrors: status == .success ? 0 : 1)
    }

    func testEveryStatusIsTheOnlyOneAndIsCounted() {
        for status in RunStatus.allCases {
            let text = metrics(status).render(previous: nil)
            XCTAssertEqual(RunStatus.allCases.map { value(text, "gt_last_run_status{status=\"\($0.rawValue)\"}") },
                           RunStatus.allCases.map { $0 == status ? "1" : "0" }, status.rawValue)
            XCTAssertEqual(RunStatus.allCases.map { value(text, "gt_runs_total{status=\"\($0.rawValue)\"}") },
                           RunStatus.allCases.map { $0 == status ? "1" : "0" }, status.rawValue)
            XCTAssertEqual(value(text, "gt_last_run_skipped_duplicate"), status == .skipped ? "1" : "0")
            XCTAssertEqual(value(text, "gt_last_success_timestamp_seconds"), status == .success ? "1000" : "0")
        }
    }

    func testCountsAndTheLastSuccessCarryOver() {
        var text = metrics(.success, at: 500).render(previous: nil)
        for (status, time) in [(RunStatus.interrupted, 600.0), (.failed, 700), (.interrupted, 800), (.skipped, 900)] {
            text = metrics(status, at: time).render(previous: text)
        }
        XCTAssertEqual(value(text, "gt_last_success_timestamp_seconds"), "500")
        XCTAssertEqual(value(text, "gt_last_run_timestamp_seconds"), "900")
        XCTAssertEqual(RunStatus.allCases.map { value(text, "gt_runs_total{status=\"\($0.rawValue)\"}") }, ["1", "1", "1", "2"])
    }

    /// A file from before `interrupted` existed: its counts go on, interrupted starts at 0.
    func testAFileWithoutTheInterruptedSeriesGoesOn() {
        let old = """
            gt_last_success_timestamp_seconds 1700000000
            gt_runs_total{status="success"} 41
            gt_runs_total{status="failed"} 2
            gt_runs_total{status="skipped"} 3

            """
        let text = metrics(.interrupted).render(previous: old)
        XCTAssertEqual(RunStatus.allCases.map { value(text, "gt_runs_total{status=\"\($0.rawValue)\"}") }, ["41", "2", "3", "1"])
        XCTAssertEqual(value(text, "gt_last_success_timestamp_seconds"), "1700000000")
    }

    /// Whatever the previous file holds, nothing traps and the alert on the last success fires
    /// (0, "never") rather than going quiet.
    func testHostilePreviousValues() {
        for bad in ["NaN", "+Inf", "-Inf", "inf", "-1", "1e400", "x", ""] {
            let text = metrics(.failed).render(previous: "gt_last_success_timestamp_seconds \(bad)\n")
            XCTAssertEqual(value(text, "gt_last_success_timestamp_seconds"), "0", bad)
        }
        let huge = metrics(.failed).render(previous: #"gt_runs_total{status="failed"} 9223372036854775807"# + "\n")
        XCTAssertEqual(value(huge, #"gt_runs_total{status="failed"}"#), "1", "a count at Int.max restarts (a counter reset)")
        for bad in ["-4", "1e3", "1.5", "99999999999999999999", "NaN"] {
            let text = metrics(.failed).render(previous: #"gt_runs_total{status="failed"} "# + bad + "\n")
            XCTAssertEqual(value(text, #"gt_runs_total{status="failed"}"#), "1", bad)
        }
        let big = metrics(.success, at: 1e18).render(previous: nil)
        XCTAssertEqual(value(big, "gt_last_success_timestamp_seconds"), "1e+18")
    }

    func testActionsByResultAndEscapedInstanceNames() {
        var plan = ApplyPlan()
        let name = "we\"ird\\na\nme"
        plan.actions = [F.create(F.alert("a")), F.create(F.alert("b")), F.create(F.alert("c"))].map {
            var action = $0
            action.instance = name
            return action
        }
        let text = RunMetrics(status: .interrupted, finishedAt: 1, dryRun: false, plan: plan,
                              outcomes: [.done, ActionOutcome(applied: false, error: "unknown"), .planned], runErrors: 1).render(previous: nil)
        let label = #"glitchtip_instance="we\"ird\\na\nme""#
        XCTAssertEqual(value(text, "gt_last_run_actions_planned{\(label),type=\"create\"}"), "3", text)
        for (result, count) in [("applied", "1"), ("failed", "1"), ("not_attempted", "1")] {
            XCTAssertEqual(value(text, "gt_last_run_actions{\(label),type=\"create\",result=\"\(result)\"}"), count, result)
        }
        XCTAssertEqual(value(text, "gt_last_run_errors{\(label)}"), "1")
        XCTAssertEqual(value(text, #"gt_last_run_errors{glitchtip_instance=""}"#), "1")
        XCTAssertFalse(text.contains("\nme"), "a line feed in a label split a line")
    }
}
