import ApplyCore
import GTGlitchTip
import GTStreams
import Synchronization
import XCTest

/// No new action starts once the run is interrupted (docs/streams.md, "interrupted"), and no
/// mutation is made once the shared run lock is no longer known to be held (README, "Running on
/// many hosts"): the applier asks before each action.
final class StopAndRefusalTests: XCTestCase {
    private typealias F = ApplierFixture
    private let path = ApplierFixture.alertsPath

    func testAStopStopsBeforeTheNextAction() async throws {
        let fixture = F()
        let log = fixture.log
        // The signal comes while the first action's POST is under way.
        let outcomes = await fixture.apply([F.create(F.alert("a")), F.create(F.alert("b"))],
                                           shouldStop: { !log.mutations.isEmpty })
        XCTAssertEqual(outcomes, ["applied", "not started"])
        XCTAssertEqual(fixture.log.mutations.map(\.what), ["POST \(path)"])
    }

    func testAStopBeforeTheProjectStartsSendsNothingNotEvenTheRead() async throws {
        let fixture = F()
        let outcomes = await fixture.apply([F.create(F.alert("a"))], shouldStop: { true })
        XCTAssertEqual(outcomes, ["not started"])
        XCTAssertEqual(fixture.log.lines, [])
    }

    func testARefusalToMutateFailsEachActionAndSendsNothing() async throws {
        let now = F.alert("old", pk: 8)
        let fixture = F(alerts: [F.wire(now, pk: 8)])
        let reason = "not applied: the shared run lock expired; other hosts can no longer be excluded"
        let outcomes = await fixture.apply([F.create(F.alert("a")), F.delete(now)], mayMutate: { reason })
        XCTAssertEqual(outcomes, ["failed: glitchtip/Org/web/a: Failed to execute action create: \(reason)",
                                  "failed: glitchtip/Org/web/old: Failed to execute action delete: \(reason)"])
        XCTAssertEqual(fixture.log.mutations, [])
    }

    /// Asked before each mutation: a lock lost after the first change stops the second.
    func testARefusalAfterTheFirstChangeStopsTheNext() async throws {
        let fixture = F()
        let log = fixture.log
        let reason = "not applied: the shared cache and lock server failed mid-run (EOF); other hosts can no longer be excluded"
        let outcomes = await fixture.apply([F.create(F.alert("a")), F.create(F.alert("b"))],
                                           mayMutate: { log.mutations.isEmpty ? nil : reason })
        XCTAssertEqual(outcomes, ["applied", "failed: glitchtip/Org/web/b: Failed to execute action create: \(reason)"])
        XCTAssertEqual(fixture.log.mutations.map(\.what), ["POST \(path)"])
    }
}
