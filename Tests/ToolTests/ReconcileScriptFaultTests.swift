import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// scripts/gt-reconcile when something goes wrong: what went wrong reaches the operator, and
/// the timeout is measured, not rounded to whole seconds (issue 10, "Smaller, same spirit").
final class ReconcileScriptFaultTests: SimulatorTestCase {

    private var script: String { TestPaths.packageRoot.appendingPathComponent("scripts/gt-reconcile").path }

    private func reconcile(_ made: Scenario, _ arguments: String, binDirectory: String = Tools.binDirectory.path) throws -> ToolResult {
        try Tools.shell("'\(script)' --data '\(made.dataDirectory)' \(arguments)",
                        environment: made.environment.merging(["GT_BIN_DIR": binDirectory]) { $1 })
    }

    func testADatafileErrorReachesTheOperator() async throws {
        let made = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
        let broken = URL(fileURLWithPath: made.dataDirectory).appendingPathComponent("projects/web.yml")
        try (try String(contentsOf: broken, encoding: .utf8) + "oops: [\n").write(to: broken, atomically: true, encoding: .utf8)
        let result = try reconcile(made, "--no-dry-run --format ndjson")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("gt-desired: error: \(made.dataDirectory)/projects/web.yml: invalid YAML"), result.stderr)
        let mutations = try await made.mutations()
        XCTAssertEqual(mutations.count, 0)
    }

    /// A tool that crashes in the middle of the pipeline: bash says nothing about it (only about
    /// the last member), so the operator saw only the next tool's "empty stream".
    func testACrashInTheMiddleOfThePipelineIsNamed() async throws {
        let made = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
        let bin = made.directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for tool in ["gt-desired", "gt-current", "gt-apply"] {
            try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent(tool).path,
                                                       withDestinationPath: Tools.binDirectory.appendingPathComponent(tool).path)
        }
        // A gt-diff that dies the way a Swift trap does, without a word.
        let crashing = bin.appendingPathComponent("gt-diff").path
        try "#!/bin/bash\ncat > /dev/null\nkill -ILL $$\n".write(toFile: crashing, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(crashing, 0o755), 0)
        let result = try reconcile(made, "--no-dry-run --format ndjson", binDirectory: bin.path)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("gt-reconcile: gt-diff was killed by signal 4 (SIGILL)"), result.stderr)
        let mutations = try await made.mutations()
        XCTAssertEqual(mutations.count, 0)
        XCTAssertEqual(try reconcile(made, "--no-dry-run --format ndjson").status, 0)
        XCTAssertEqual(try made.plan().count, 0)
    }

    /// `--timeout 1` once fired after 0.13 s: the deadline came from bash's whole-second
    /// $SECONDS. Three runs, so a start late in a second cannot hide it. Fired early: under 1 s on
    /// this test's monotonic clock, which started before the script did (a lower bound: a slow
    /// machine only lengthens the run). Stopped at the timeout: every request is held 30 s, so a
    /// pipeline left to run could not have had an answer when gt-reconcile returned.
    func testTimeoutIsMeasuredNotRounded() async throws {
        let made = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []],
                                           readTimeout: 60)
        try await made.sim.config(["latency_ms": 30_000])
        for _ in 1...3 {
            try await made.sim.clearRequests()
            // A monotonic clock, as gt-reconcile's deadline: a wall clock stepped by NTP is not a duration.
            let started = ContinuousClock.now
            let result = try reconcile(made, "--no-dry-run --timeout 1")
            let elapsed = started.duration(to: .now)
            let atReturn = try await made.sim.requestLog()
            XCTAssertEqual(result.status, 1)
            XCTAssertEqual(result.stderr, "Glitchtip project alerts task did not complete within the timeout period\n")
            XCTAssertGreaterThanOrEqual(elapsed, .seconds(1), "the timeout fired early")
            XCTAssertTrue(atReturn.requests.allSatisfy { $0["answered"] == .null }, "the pipeline was not stopped at the timeout")
        }
    }
}
