import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// gt-reconcile --timeout: whole seconds from 1 to 86400, read in base 10 (bash arithmetic reads
/// `08` as a bad octal number and wraps past 2^63).
final class ReconcileTimeoutFlagTests: SimulatorTestCase {
    private var scenario: Scenario!

    private var script: String { TestPaths.packageRoot.appendingPathComponent("scripts/gt-reconcile").path }

    func testOutOfRangeTimeoutsAreRefusedBeforeAnythingRuns() throws {
        for value in ["0", "86401", "99999999999999999999", "-1", "1e3", "", " 5", "0x10", "1.5"] {
            let result = try Tools.run(script, ["--data", "/nonexistent", "--timeout", value],
                                       environment: ["GT_BIN_DIR": Tools.binDirectory.path])
            XCTAssertEqual(result.status, 64, value)
            XCTAssertEqual(result.stderr, "gt-reconcile: --timeout takes whole seconds from 1 to 86400, got '\(value)'\n")
            XCTAssertEqual(result.stdout, "", value)
        }
    }

    func testLeadingZerosAreDecimal() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
        for value in ["08", "0000000000000000000000000300", "86400"] {
            let result = try Tools.run(script, ["--data", scenario.dataDirectory, "--format", "ndjson", "--timeout", value],
                                       environment: scenario.environment.merging(["GT_BIN_DIR": Tools.binDirectory.path]) { $1 })
            XCTAssertEqual(result.status, 0, "\(value): \(result.stderr)")
            XCTAssertEqual(result.stderr, "", value)
            XCTAssertEqual(try summary(result)?["status"], "success", value)
        }
    }
}
