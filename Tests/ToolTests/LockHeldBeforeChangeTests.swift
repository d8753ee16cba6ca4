import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest
import GTCache

/// gt-apply knows before every change that it still holds every lock it took (issue 20 item 1;
/// docs/safety.md, "Every change is made under a lock known to be held"): a shared lock key
/// deleted, flushed or expired while the holder was paused, or a lock file removed or replaced,
/// stops the run before its next change.
///
/// "Between two changes" is made observable, not timed: the plan creates `api-latency`, then
/// `payment-errors`; the simulator stores the first POST and holds its answer back 2.5 s, and
/// the test acts once the request log shows that POST.
final class LockHeldBeforeChangeTests: SimulatorTestCase {
    private var scenario: Scenario!
    private var redis: RedisServer?
    private var running: BackgroundTool?
    private let key = RedisRunLock.key(instance: "gt")

    override func tearDown() async throws {
        if let running, running.process.isRunning {
            running.signal(SIGKILL)  // a stopped holder left by a failed assertion
            running.process.waitUntilExit()
        }
        try await super.tearDown()
    }

    /// The scenario and its saved plan: two creates in `web`, the first answered late.
    private func twoCreates(readTimeout: Int = 5) async throws -> String {
        scenario = try await Scenario.make(for: self,
                                           desired: ["web": [DeclaredAlert(name: "api-latency"), DeclaredAlert(name: "payment-errors")]],
                                           current: ["web": []], readTimeout: readTimeout, maxRetries: 1)
        let plan = try scenario.savedPlan()
        try await scenario.sim.faults([["method": "POST", "path": "/api/0/projects/nasa/web/alerts/",
                                        "action": "delay", "delay_ms": 2500, "after_process": true]])
        try await scenario.sim.clearRequests()
        return plan
    }

    /// Starts gt-apply --no-dry-run on `plan` and returns once its first POST has reached GlitchTip.
    private func applyUntilFirstChange(_ plan: String, environment: [String: String]) async throws -> BackgroundTool {
        let scratch = scenario.directory.appendingPathComponent("apply-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let tool = try BackgroundTool("gt-apply", ["--no-dry-run", "--format", "ndjson"], stdinFile: plan,
                                      environment: environment, scratch: scratch)
        running = tool
        let posted = try await eventually(within: 60) { try await !scenario.sim.requestLog().matching("POST").isEmpty }
        XCTAssertTrue(posted, "gt-apply sent no POST")
        return tool
    }

    /// The run made its first change only: exit 1, one POST, the second action failed saying `reason`.
    private func assertStoppedAfterFirstChange(_ result: Finished, saying reason: String,
                                               file: StaticString = #filePath, line: UInt = #line) async throws {
        XCTAssertEqual(result.status, 1, result.stderr, file: file, line: line)
        let posts = try await scenario.sim.requestLog().matching("POST")
        XCTAssertEqual(posts.count, 1, "a change was made after the lock was gone", file: file, line: line)
        let summary = try result.records().first { $0["kind"] == "summary" }
        XCTAssertEqual(summary?["applied_count"], 1, result.stdout, file: file, line: line)
        let errors = summary?["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertEqual(errors.count, 1, "\(errors)", file: file, line: line)
        XCTAssertTrue(errors.first?.contains("nasa/web/payment-errors: Failed to execute action create: not applied: ") == true,
                      "\(errors)", file: file, line: line)
        XCTAssertTrue(errors.first?.contains(reason) == true, "\(errors)", file: file, line: line)
        let names = try await scenario.alerts("web").compactMap { $0["name"]?.stringValue }
        XCTAssertEqual(names, ["api-latency"], file: file, line: line)
    }

    private func hostA() throws -> [String: String] {
        let redis = try XCTUnwrap(self.redis)
        return scenario.environment.merging(host("a", in: scenario.directory, url: redis.url())) { $1 }
    }

    func testSharedLockKeyDeletedBetweenTwoChangesStopsTheRun() async throws {
        redis = try startRedis(in: scratchDirectory())
        let plan = try await twoCreates()
        let apply = try await applyUntilFirstChange(plan, environment: try hostA())
        XCTAssertEqual(try redis?.cli(["DEL", key]).trimmingCharacters(in: .whitespacesAndNewlines), "1", "the run held no lock")
        let result = try await apply.finish(within: 60)
        try await assertStoppedAfterFirstChange(result, saying: "the shared run lock \(key) is no longer held by this run")
        XCTAssertTrue(result.stderr.contains("other hosts can no longer be excluded"), result.stderr)
    }

    func testSharedLockFlushedBetweenTwoChangesStopsTheRun() async throws {
        redis = try startRedis(in: scratchDirectory())
        let plan = try await twoCreates()
        let apply = try await applyUntilFirstChange(plan, environment: try hostA())
        XCTAssertEqual(try redis?.cli(["EXISTS", key]).trimmingCharacters(in: .whitespacesAndNewlines), "1", "the run held no lock")
        try redis?.cli(["FLUSHDB"])
        let result = try await apply.finish(within: 60)
        try await assertStoppedAfterFirstChange(result, saying: "the shared run lock \(key) is no longer held by this run")
    }

    /// The holder is stopped (SIGSTOP) between two changes until its lock expires; another host
    /// takes the lock and applies; the first, continued, makes no further change.
    func testHolderPausedPastItsLockMakesNoChangeAfterAnotherHostApplied() async throws {
        redis = try startRedis(in: scratchDirectory())
        let redis = try XCTUnwrap(self.redis)
        // A short request (3 s, one retry: at most 9 s with the wait between) and a 2 s lifetime:
        // the lock lives 12 s (the request, 1 s margin, 2 s for the check's own answer), so the
        // pause outlasts it soon. The first POST's answer (2.5 s) comes within the 3 s timeout.
        let plan = try await twoCreates(readTimeout: 3)
        let apply = try await applyUntilFirstChange(plan, environment: try hostA().merging(["GT_RUN_LOCK_TTL": "2"]) { $1 })
        apply.signal(SIGSTOP)
        let expired = try await eventually(within: 40) {
            try redis.cli(["EXISTS", key]).trimmingCharacters(in: .whitespacesAndNewlines) == "0"
        }
        let left = try redis.cli(["PTTL", key])
        XCTAssertTrue(expired, "the paused holder's lock did not expire: PTTL \(left)")
        let other = try scenario.pipeline(apply: true, applyArguments: "--format ndjson",
                                          environment: host("b", in: scenario.directory, url: redis.url()))
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssertEqual(try summary(other)?["status"], "success", other.stdout)
        XCTAssertEqual(try summary(other)?["applied_count"], 1, other.stdout)
        apply.signal(SIGCONT)
        let result = try await apply.finish(within: 60)
        XCTAssertEqual(result.status, 1, result.stderr)
        let errors = try result.records().first { $0["kind"] == "summary" }?["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertEqual(errors.count, 1, "\(errors)")
        XCTAssertTrue(errors.first?.contains("payment-errors: Failed to execute action create: not applied: ") == true, "\(errors)")
        // Stopped past its lease, it knows before it asks the server (the lease lapsed), whichever
        // way the first POST's answer was read after the pause.
        XCTAssertTrue(errors.first?.contains("another run may hold") == true, "\(errors)")
        let names = try await scenario.alerts("web").compactMap { $0["name"]?.stringValue }.sorted()
        XCTAssertEqual(names, ["api-latency", "payment-errors"], "payment-errors created twice, or not at all")
        let posts = try await scenario.sim.requestLog().matching("POST")
        XCTAssertEqual(posts.count, 2)
        XCTAssertEqual(try scenario.plan().count, 0)
    }

    func testLockFileRemovedBetweenTwoChangesStopsTheRun() async throws {
        let plan = try await twoCreates()
        let apply = try await applyUntilFirstChange(plan, environment: scenario.environment)
        let lockFile = scenario.directory.appendingPathComponent("apply-gt.lock").path
        XCTAssertEqual(unlink(lockFile), 0)
        let result = try await apply.finish(within: 60)
        try await assertStoppedAfterFirstChange(result, saying: "the run lock file \(lockFile) was removed or replaced")
    }

    func testLockFileReplacedBetweenTwoChangesStopsTheRun() async throws {
        let plan = try await twoCreates()
        let apply = try await applyUntilFirstChange(plan, environment: scenario.environment)
        let lockFile = scenario.directory.appendingPathComponent("apply-gt.lock").path
        let other = scenario.directory.appendingPathComponent("other.lock").path
        try "4242 1700000000\n".write(toFile: other, atomically: false, encoding: .utf8)
        XCTAssertEqual(rename(other, lockFile), 0)
        let result = try await apply.finish(within: 60)
        try await assertStoppedAfterFirstChange(result, saying: "the run lock file \(lockFile) was removed or replaced")
    }
}
