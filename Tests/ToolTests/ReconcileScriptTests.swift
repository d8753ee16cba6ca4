import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// scripts/gt-reconcile: the pipeline in one command, its exit status and its timeout.
final class ReconcileScriptTests: SimulatorTestCase {
    private var scenario: Scenario!

    private var script: String { TestPaths.packageRoot.appendingPathComponent("scripts/gt-reconcile").path }

    private func reconcile(_ arguments: String, marker: RunMarker = RunMarker()) throws -> ToolResult {
        try Tools.shell("'\(script)' --data '\(scenario.dataDirectory)' \(arguments)",
                        environment: scenario.environment.merging(["GT_BIN_DIR": Tools.binDirectory.path]) { $1 }
                            .merging(marker.environment) { $1 })
    }

    /// Observed, not timed: every request is held 30 s, so a pipeline left to run could not have
    /// had an answer when gt-reconcile returned; then every process of the run is gone, so
    /// nothing can reach the server later, and nothing did.
    func testTimeoutKillsThePipelineAndFails() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []],
                                           readTimeout: 60)
        try await scenario.sim.config(["latency_ms": 30_000])
        let run = RunMarker()
        let result = try reconcile("--no-dry-run --timeout 1", marker: run)
        let atReturn = try await scenario.sim.requestLog()
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "Glitchtip project alerts task did not complete within the timeout period\n")
        XCTAssertTrue(atReturn.requests.allSatisfy { $0["answered"] == .null }, "the pipeline was not stopped at the timeout")
        let gone = try await eventually(within: 30) { run.survivors().isEmpty }
        XCTAssertTrue(gone, "the pipeline was not stopped at the timeout: pids \(run.survivors()) live on")
        let log = try await scenario.sim.requestLog()
        XCTAssertEqual(log.requests.filter { ["POST", "PUT", "DELETE"].contains($0["method"]?.stringValue ?? "") }.count, 0)
        XCTAssertEqual(log.requests.count, atReturn.requests.count, "a request started after the timeout")
    }

    func testOneUnreachableInstanceFailsTheRunButTheOtherIsApplied() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
        let data = URL(fileURLWithPath: scenario.dataDirectory)
        try """
            $schema: /dependencies/glitchtip-instance-1.yml
            labels: {}
            name: gt-down
            description: unreachable
            consoleUrl: http://127.0.0.1:9
            automationUserEmail: {path: gt/creds, field: email}
            automationToken: {path: gt/creds, field: token}
            readTimeout: 2
            maxRetries: 0
            """.write(to: data.appendingPathComponent("instance-down.yml"), atomically: true, encoding: .utf8)
        try """
            $schema: /dependencies/glitchtip-organization-1.yml
            name: elsewhere
            description: t
            instance: {$ref: /instance-down.yml}
            """.write(to: data.appendingPathComponent("org-down.yml"), atomically: true, encoding: .utf8)
        try projectDatafile("far", organization: "/org-down.yml", alerts: "[]")
            .write(to: data.appendingPathComponent("projects/far.yml"), atomically: true, encoding: .utf8)

        let result = try reconcile("--no-dry-run --format ndjson")
        XCTAssertEqual(result.status, 1)
        let summary = try XCTUnwrap(try summary(result))
        XCTAssertEqual(summary["status"], "failed")
        XCTAssertEqual(summary["applied_count"], 1)
        let errors = summary["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(errors[0].hasPrefix("gt-down: listing organizations failed: http://127.0.0.1:9/api/0/organizations/"), errors[0])
        let created = try await scenario.alerts("web").map { $0["name"]!.stringValue! }
        XCTAssertEqual(created, ["n"])
    }

    func testUsageErrorsAndHelp() throws {
        let help = try Tools.shell("'\(script)' --help")
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("--timeout SECONDS"))
        let bad = try Tools.shell("'\(script)' --bogus")
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("unknown argument: --bogus"))
    }
}
