import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest

/// The summary is the reference's task result field for field (docs/streams.md): with
/// `applied_actions`, the actions actually applied; and gt-apply's flags say what is wrong.
final class ApplySummaryTests: SimulatorTestCase {
    private var scenario: Scenario!

    private func seed(_ type: String, _ project: String, _ alert: String) -> JSONValue {
        ["action_type": .string(type), "instance": "gt", "organization": "nasa", "project": .string(project), "alert_name": .string(alert)]
    }

    func testAppliedActionsListsWhatWasAppliedAndNothingOnADryRun() async throws {
        scenario = try await Scenario.make(for: self, desired: ["api": [DeclaredAlert(name: "n")], "web": [DeclaredAlert(name: "n")]],
                                           current: ["api": [], "web": []])
        let dry = try scenario.pipeline()
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertEqual(try summary(dry)?["actions"], [seed("create", "api", "n"), seed("create", "web", "n")])
        XCTAssertEqual(try summary(dry)?["applied_actions"], [])

        // The create in 'api' is refused by the server; the one in 'web' is applied.
        try await scenario.sim.faults([["method": "POST", "path": "/api/0/projects/nasa/api/alerts/", "action": "status", "status": 400]])
        let applied = try scenario.pipeline(apply: true)
        XCTAssertEqual(applied.status, 1)
        let result = try XCTUnwrap(try summary(applied))
        XCTAssertEqual(result["status"], "failed")
        XCTAssertEqual(result["actions"], [seed("create", "api", "n"), seed("create", "web", "n")])
        XCTAssertEqual(result["applied_actions"], [seed("create", "web", "n")])
        XCTAssertEqual(result["applied_count"], 1)

        XCTAssertEqual(try scenario.pipeline(apply: true).status, 0)
        XCTAssertEqual(try scenario.plan(), [])
    }

    func testAppliedActionsIsEmptyOnASkippedRun() async throws {
        scenario = try await Scenario.make(for: self,
                                           desired: ["web": (1...4).map { DeclaredAlert(name: "n\($0)") }], current: ["web": []])
        let runs = try await scenario.twoAppliesAtOnce(latencyMs: 300)
        let summaries = runs.summaries
        let skipped = try XCTUnwrap(summaries.first { $0["status"] == "skipped" }, runs.output)
        XCTAssertEqual(skipped["applied_actions"], [])
        XCTAssertEqual(skipped["actions"]?.arrayValue?.count, 4)
        let success = try XCTUnwrap(summaries.first { $0["status"] == "success" })
        XCTAssertEqual(success["applied_actions"], success["actions"])
    }

    func testANegativeMaxDeletesSaysWhy() throws {
        for arguments in [["--max-deletes", "-1"], ["--max-deletes=-1"]] {
            let result = try Tools.run("gt-apply", arguments, stdin: "")
            XCTAssertEqual(result.status, 64, arguments.joined(separator: " "))
            XCTAssertTrue(result.stderr.contains("--max-deletes must be ≥ 0, got -1"), result.stderr)
            XCTAssertFalse(result.stderr.contains("Missing value"), result.stderr)
        }
    }
}
