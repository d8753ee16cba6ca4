import ApplyCore
@testable import ApplyRun
import Foundation
import GTStreams
import GTCLI
import Synchronization
import XCTest

/// An interrupted run in process (docs/streams.md, "interrupted"): no change starts after the
/// signal, every attempted action is reported, the status is `interrupted`; after the grace the
/// run reports without the requests still under way, their outcome unknown.
final class RunInterruptionTests: XCTestCase {
    private typealias F = ApplierFixture
    private typealias R = RunFixture

    func testWhileThePlanIsReadTheFirstSignalEndsTheRunAtOnce() {
        let interruption = RunInterruption()
        let ended = Mutex<[String]>([])
        interruption.receive(SIGTERM) { end in ended.withLock { $0.append("\(end) first \(end.first)") } }
        XCTAssertEqual(ended.withLock { $0 }, ["whileReading(15) first 15"])
    }

    func testOnceRunningTheFirstSignalStopsNewWorkAndTheSecondEndsTheRun() {
        let interruption = RunInterruption()
        interruption.beginRunning()
        let ended = Mutex<[String]>([])
        XCTAssertTrue(interruption.receive(SIGINT) { end in ended.withLock { $0.append("\(end)") } })
        XCTAssertEqual(interruption.signal, SIGINT)
        XCTAssertEqual(ended.withLock { $0 }, [])
        XCTAssertFalse(interruption.receive(SIGTERM) { end in ended.withLock { $0.append("\(end) first \(end.first)") } })
        XCTAssertEqual(ended.withLock { $0 }, ["secondSignal(first: 2, second: 15) first 2"])
        XCTAssertEqual(RunInterruption.exitStatus(SIGINT), 130)
        XCTAssertEqual(RunInterruption.exitStatus(SIGTERM), 143)
    }

    /// The signal comes while the first POST is under way: it is finished, nothing else starts
    /// (not the next action of its project, not another project's read).
    func testNoChangeStartsAfterTheSignal() async throws {
        let fixture = try R(in: self, projects: ["p2", "p3"], gated: true)
        let interruption = RunInterruption()
        let plan = R.plan([F.create(F.alert("a")), F.create(F.alert("b")), F.action(.create, "c", after: F.alert("c"), project: "p2"),
                           F.action(.create, "d", after: F.alert("d"), project: "p3")])
        let run = Task { await fixture.run(plan, concurrency: 1, interruption: interruption) }
        await fixture.gate?.arrival()
        XCTAssertTrue(interruption.receive(SIGTERM) { _ in XCTFail("the run was ended at once") })
        fixture.gate?.open()
        let outcome = await run.value

        XCTAssertFalse(outcome.abandoned)
        XCTAssertEqual(R.results(outcome.report), ["applied", "not attempted", "not attempted", "not attempted"])
        XCTAssertEqual(outcome.report.status, .interrupted)
        XCTAssertEqual(outcome.report.summary["reason"], "SIGTERM")
        XCTAssertEqual(outcome.report.runErrors,
                       ["interrupted by SIGTERM: 3 of 4 actions not attempted; the next run plans from what GlitchTip then holds"])
        XCTAssertEqual(outcome.report.records().filter { $0["kind"] == "result" }.count, 1)
        XCTAssertEqual(fixture.requests, ["connect glitchtip https://glitchtip.example.com", "GET /api/0/organizations/",
                                          "GET \(F.alertsPath)", "POST \(F.alertsPath)"])
        XCTAssertTrue(outcome.report.text(PlanText(color: false), dryRun: false)
            .hasSuffix("Interrupted by SIGTERM: applied 1 of 4 actions, 3 not attempted; status interrupted.\n"))
    }

    /// After the grace the run reports at once (gt-apply then ends the process): the request
    /// under way is reported with its outcome unknown; then it is cancelled and awaited.
    func testAfterTheGraceTheRequestUnderWayIsReportedAsUnknown() async throws {
        let fixture = try R(in: self, projects: ["p2"], gated: true)
        let interruption = RunInterruption()
        let plan = R.plan([F.create(F.alert("a")), F.action(.create, "c", after: F.alert("c"), project: "p2")])
        let reported = Mutex<[ApplyOutcome]>([])
        let run = Task {
            await fixture.run(plan, concurrency: 1, configure: { $0.grace = .milliseconds(10) }, interruption: interruption,
                              abandoning: { outcome in reported.withLock { $0.append(outcome) } })
        }
        await fixture.gate?.arrival()
        interruption.receive(SIGINT) { _ in XCTFail("the run was ended at once") }
        let outcome = await run.value  // the gate never opens: the POST is let go

        let abandoned = try XCTUnwrap(reported.withLock { $0.first })
        XCTAssertEqual(reported.withLock { $0.count }, 1)
        XCTAssertTrue(abandoned.abandoned)
        XCTAssertEqual(R.results(abandoned.report), [
            "failed: glitchtip/Org/web/a: Failed to execute action create: the run was interrupted while its request was under way: "
                + "whether it was applied is unknown (the next run plans from what GlitchTip then holds)",
            "not attempted"])
        XCTAssertEqual(abandoned.report.status, .interrupted)
        XCTAssertEqual(abandoned.report.summary["reason"], "SIGINT")
        XCTAssertEqual(R.results(outcome.report), R.results(abandoned.report), "the run reported twice, differently")
        XCTAssertTrue(outcome.abandoned)
        XCTAssertEqual(fixture.log.mutations, [], "the held POST reached GlitchTip")
        // Its locks were released when it reported.
        let holder = try FileLock(path: fixture.lockPath) { _ in true }
        XCTAssertTrue(try holder.tryLock())
        holder.release()
    }

    /// A signal after the last change interrupted nothing: the run is reported as it ended.
    func testASignalAfterTheLastChangeInterruptsNothing() async throws {
        let fixture = try R(in: self)
        let interruption = RunInterruption()
        let outcome = await fixture.run(R.plan([F.create(F.alert("a"))]), interruption: interruption,
                                        afterMutation: { _ in interruption.receive(SIGTERM) { _ in } })
        XCTAssertEqual(interruption.signal, SIGTERM)
        XCTAssertEqual(R.results(outcome.report), ["applied"])
        XCTAssertEqual(outcome.report.status, .success)
        XCTAssertNil(outcome.report.interruption)
    }

    /// Interrupted before the run connected anywhere: nothing is sent, nothing attempted.
    func testASignalBeforeTheRunActsSendsNothing() async throws {
        let fixture = try R(in: self)
        let interruption = RunInterruption()
        interruption.beginRunning()
        interruption.receive(SIGINT) { _ in XCTFail("the run was ended at once") }
        let outcome = await fixture.run(R.plan([F.create(F.alert("a")), F.create(F.alert("b"))]), interruption: interruption)
        XCTAssertEqual(R.results(outcome.report), ["not attempted", "not attempted"])
        XCTAssertEqual(outcome.report.status, .interrupted)
        XCTAssertEqual(outcome.report.records().map { $0["kind"] }, ["summary"])
        XCTAssertEqual(fixture.requests, [])
    }
}
