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

    private func reconcile(_ arguments: String) throws -> ToolResult {
        try Tools.shell("'\(script)' --data '\(scenario.dataDirectory)' \(arguments)",
                        environment: scenario.environment.merging(["GT_BIN_DIR": Tools.binDirectory.path]) { $1 })
    }

    func testTimeoutKillsThePipelineAndFails() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []],
                                           readTimeout: 30)
        try await scenario.sim.config(["latency_ms": 3000])
        // On the simulator's clock, so that its log's arrival times compare with it.
        let started = try await scenario.sim.requestLog().now
        let clock = ContinuousClock.now
        let result = try reconcile("--no-dry-run --timeout 1")
        let took = clock.duration(to: .now)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "Glitchtip project alerts task did not complete within the timeout period\n")
        XCTAssertLessThan(took, .milliseconds(2500), "the pipeline was not stopped at the timeout")
        // Give anything left running the time it would need to reach the server.
        try await Task.sleep(nanoseconds: 4_000_000_000)
        let log = try await scenario.sim.requestLog()
        XCTAssertEqual(log.requests.filter { ["POST", "PUT", "DELETE"].contains($0["method"]?.stringValue ?? "") }.count, 0)
        XCTAssertTrue(log.requests.allSatisfy { ($0["received"]?.number ?? .infinity) < started + 1.5 }, "a request started after the timeout")
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
