import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest

/// scripts/gt-reconcile keeps gt-diff's history in `$GT_STATE_DIR/declared-alerts.ndjson`
/// (README "Environment"), on a dry run too: "declared" is what App-Interface said, applied
/// or not. Without GT_STATE_DIR there is no history, and every undeclared name counts.
final class HistoryReconcileTests: SimulatorTestCase {
    private var script: String { TestPaths.packageRoot.appendingPathComponent("scripts/gt-reconcile").path }

    func testGtReconcileKeepsTheHistoryInGTStateDir() async throws {
        let scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "declared")]],
                                               current: ["web": [SimState.alert("declared"), SimState.alert("made-in-the-ui")]])
        let state = scenario.directory.appendingPathComponent("state")
        XCTAssertEqual(mkdir(state.path, 0o700), 0)
        let history = state.appendingPathComponent("declared-alerts.ndjson").path
        var environment = scenario.environment.merging(["GT_BIN_DIR": Tools.binDirectory.path]) { $1 }

        let without = try Tools.shell("'\(script)' --data '\(scenario.dataDirectory)' --format text", environment: environment)
        XCTAssertEqual(without.status, 0, without.stderr)
        XCTAssertTrue(without.stdout.contains("warning: Project 'gt/nasa/web': 1 alert to delete was declared by no earlier desired state"),
                      without.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: history))

        environment["GT_STATE_DIR"] = state.path
        let with = try Tools.shell("'\(script)' --data '\(scenario.dataDirectory)' --format text", environment: environment)
        XCTAssertEqual(with.status, 0, with.stderr)
        XCTAssertTrue(with.stdout.contains("warning: Project 'gt/nasa/web': 1 alert to delete was declared"), with.stdout)
        XCTAssertTrue(with.stdout.contains("Dry run: nothing applied"), with.stdout)
        let text = try String(contentsOfFile: history, encoding: .utf8)
        XCTAssertEqual(text, """
            {"format":"gt-declared-alerts","kind":"header","version":1}
            {"alert":"declared","instance":"gt","kind":"alert","organization":"nasa","project":"web"}
            {"alerts":1,"kind":"end"}

            """)
        let mode = (try FileManager.default.attributesOfItem(atPath: history)[.posixPermissions] as? NSNumber)?.intValue
        XCTAssertEqual(mode, 0o600)

        // A history gt-diff refuses fails the run, and nothing is applied.
        try "not a history\n".write(toFile: history, atomically: true, encoding: .utf8)
        let refused = try Tools.shell("'\(script)' --data '\(scenario.dataDirectory)' --no-dry-run --format text", environment: environment)
        XCTAssertEqual(refused.status, 1, refused.stdout)
        XCTAssertTrue(refused.stderr.contains("history \(history), line 1: malformed JSON"), refused.stderr)
        let mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 0, "a change applied past a refused history")
    }
}
