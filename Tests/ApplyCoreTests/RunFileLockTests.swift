import ApplyCore
@testable import ApplyRun
import Foundation
import GTStreams
import XCTest

/// The run locks in process (docs/architecture.md, "Lock and cache directories"): one run at a
/// time per instance, a stale holder refused, and no change once a lock file is no longer the
/// one the run locked (docs/safety.md, "Every change is made under a lock known to be held").
final class RunFileLockTests: XCTestCase {
    private typealias F = ApplierFixture
    private typealias R = RunFixture

    func testOfTwoRunsOnOverlappingInstancesTheSecondIsSkipped() async throws {
        let fixture = try R(in: self, gated: true)
        let first = Task { await fixture.run(R.plan([F.create(F.alert("a"))])) }
        await fixture.gate?.arrival()  // the first run holds its lock, its POST under way

        var overlapping = R.plan([F.create(F.alert("b"))])
        var stage = R.instance
        stage.name = "stage"
        overlapping.instances["stage"] = stage
        let second = await fixture.run(overlapping)
        XCTAssertEqual(second.report.status, .skipped)
        XCTAssertEqual(second.report.skippedReason, "duplicate_task")
        XCTAssertEqual(second.report.records().map { $0["kind"] }, ["summary"])
        XCTAssertEqual(second.report.summary["reason"], "duplicate_task")

        fixture.gate?.open()
        let applied = await first.value
        XCTAssertEqual(R.results(applied.report), ["applied"])
        XCTAssertEqual(fixture.log.mutations.map(\.what), ["POST \(F.alertsPath)"], "the skipped run sent a change")
        // All locks released, none left taken: a third run goes through.
        let third = await fixture.run(R.plan([F.create(F.alert("c"))]))
        XCTAssertEqual(R.results(third.report), ["applied"])
        XCTAssertEqual(try String(contentsOfFile: fixture.lockPath, encoding: .utf8), "", "the stamp outlived the run")
    }

    /// A holder older than 600 s is reported as stale (not a duplicate), and nothing is applied.
    func testAStaleHolderIsRefused() async throws {
        let fixture = try R(in: self)
        let holder = try FileLock(path: fixture.lockPath) { _ in true }
        defer { holder.release() }
        XCTAssertTrue(try holder.tryLock())
        let stamp = Array("4242 \(Date().timeIntervalSince1970 - 700)\n".utf8)
        try holder.withDescriptor { fd throws(Errno) in try SystemCall.writeAll(fd, stamp, at: 0) }

        let outcome = await fixture.run(R.plan([F.create(F.alert("a"))]))
        XCTAssertEqual(outcome.report.status, .failed)
        let error = try XCTUnwrap(outcome.report.runErrors.first)
        XCTAssertTrue(error.hasPrefix("another gt-apply (pid 4242) has held the lock for glitchtip for 7"), error)
        XCTAssertTrue(error.hasSuffix(" s, over 600 s: a stale holder; nothing applied"), error)
        XCTAssertEqual(fixture.requests, [])
    }

    /// A stamp no gt-apply writes (inf, 1e300, text) is no stamp: the holder is busy, not stale.
    func testAStampNoRunWritesIsABusyHolder() async throws {
        for stamp in ["4242 inf", "4242 1e300", "4242 -5", "garbage"] {
            let fixture = try R(in: self)
            let holder = try FileLock(path: fixture.lockPath) { _ in true }
            XCTAssertTrue(try holder.tryLock())
            try holder.withDescriptor { fd throws(Errno) in try SystemCall.writeAll(fd, Array(stamp.utf8), at: 0) }
            let outcome = await fixture.run(R.plan([F.create(F.alert("a"))]))
            holder.release()
            XCTAssertEqual(outcome.report.status, .skipped, stamp)
            XCTAssertEqual(fixture.requests, [], stamp)
        }
    }

    private func assertNoChangeAfter(_ lose: @escaping @Sendable (String) throws -> Void) async throws {
        let fixture = try R(in: self)
        let path = fixture.lockPath
        let outcome = await fixture.run(R.plan([F.create(F.alert("a")), F.create(F.alert("b")), F.create(F.alert("c"))]),
                                        afterMutation: { count in if count == 1 { try? lose(path) } })
        let reason = "not applied: the run lock file \(path) was removed or replaced since this run locked it: "
            + "another run may hold a lock there now"
        XCTAssertEqual(R.results(outcome.report), ["applied",
                                                   "failed: glitchtip/Org/web/b: Failed to execute action create: \(reason)",
                                                   "failed: glitchtip/Org/web/c: Failed to execute action create: \(reason)"])
        XCTAssertEqual(fixture.log.mutations.map(\.what), ["POST \(F.alertsPath)"])
    }

    func testALockFileRemovedBetweenTwoChangesStopsEveryLaterChange() async throws {
        try await assertNoChangeAfter { path in XCTAssertEqual(unlink(path), 0) }
    }

    func testALockFileReplacedBetweenTwoChangesStopsEveryLaterChange() async throws {
        try await assertNoChangeAfter { path in
            try "".write(toFile: path + ".new", atomically: false, encoding: .utf8)
            XCTAssertEqual(rename(path + ".new", path), 0)
        }
    }

    /// gt never writes through a link: a lock path that is one refuses the run.
    func testALockFileThatIsASymbolicLinkRefusesTheRun() async throws {
        let fixture = try R(in: self)
        let target = fixture.directory.appendingPathComponent("precious").path
        try "keep".write(toFile: target, atomically: true, encoding: .utf8)
        XCTAssertEqual(symlink(target, fixture.lockPath), 0)
        let outcome = await fixture.run(R.plan([F.create(F.alert("a"))]))
        XCTAssertEqual(outcome.report.runErrors,
                       ["run lock \(fixture.lockPath): it is a symbolic link; gt never follows one; nothing applied"])
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "keep")
        XCTAssertEqual(fixture.requests, [])
    }

    /// Every --no-dry-run takes the lock, even with nothing to do, so a run with nothing to do
    /// is skipped while another holds it.
    func testARunWithNothingToDoStillTakesTheLock() async throws {
        let fixture = try R(in: self)
        let holder = try FileLock(path: fixture.lockPath) { _ in true }
        defer { holder.release() }
        XCTAssertTrue(try holder.tryLock())
        let outcome = await fixture.run(R.plan([]))
        XCTAssertEqual(outcome.report.status, .skipped)
    }
}
