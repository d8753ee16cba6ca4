import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest

/// A metrics file gt-apply wrote (README "Cron, with metrics"), as a test reads it.
struct MetricsFile {
    /// Every status a run can end with; `gt_last_run_status` and `gt_runs_total` have a series each.
    static let statuses = ["success", "failed", "skipped", "interrupted"]

    let path: String
    let text: String

    init(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws {
        self.path = path
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            XCTFail("no metrics file at \(path): \(error)", file: file, line: line)
            throw error
        }
    }

    /// The value of one series (`name{labels}` exactly as written), nil when absent.
    func value(_ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    func runs(_ status: String) -> Double? { value("gt_runs_total{status=\"\(status)\"}") }

    /// `gt_last_run_status` is 1 for `status` alone and 0 for every other status; `promtool
    /// check metrics` (Debian package prometheus) finds no problem in the file.
    func assertLastRun(_ status: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for other in Self.statuses {
            XCTAssertEqual(value("gt_last_run_status{status=\"\(other)\"}"), other == status ? 1 : 0,
                           "gt_last_run_status{status=\"\(other)\"} after a run that was \(status):\n\(text)", file: file, line: line)
            XCTAssertNotNil(runs(other), "no gt_runs_total{status=\"\(other)\"}:\n\(text)", file: file, line: line)
        }
        let check = try Tools.shell("promtool check metrics < '\(path)'")
        XCTAssertEqual(check.status, 0, "promtool: \(check.stdout)\(check.stderr)", file: file, line: line)
        XCTAssertEqual(check.stdout + check.stderr, "", file: file, line: line)
    }
}
