import ApplyCore
@testable import ApplyRun
import Foundation
import GTStreams
import XCTest

/// A run sends an instance's token only to that instance's URL as App-Interface declares it
/// (README, "What gt never does"): a plan is an artifact that may have been edited, so its
/// instance record is checked against App-Interface's before any connection or request.
final class RunTrustTests: XCTestCase {
    private typealias F = ApplierFixture
    private typealias R = RunFixture

    private func refused(_ instance: InstanceRecord, _ reason: String, renamed: Bool = false) async throws {
        let fixture = try R(in: self)
        var action = F.create(F.alert("a"))
        if renamed { action.instance = instance.name }
        let outcome = await fixture.run(R.plan([action], instance: instance))
        XCTAssertEqual(R.results(outcome.report), ["failed: \(instance.name)/Org/web/a: Failed to execute action create: \(reason)"])
        XCTAssertEqual(fixture.requests, [], "a refused instance was connected to or sent a request")
        XCTAssertEqual(outcome.report.status, .failed)
    }

    func testAPlanPointingAnInstanceElsewhereIsRefusedWithoutAConnection() async throws {
        var moved = R.instance
        moved.consoleURL = "https://evil.example.com"
        try await refused(moved, "instance 'glitchtip': the plan's console_url https://evil.example.com is not App-Interface's "
                          + "https://glitchtip.example.com: refused, no request sent (an instance's token goes only to its own URL)")
    }

    func testAnotherTokenReferenceIsRefused() async throws {
        var other = R.instance
        other.token.path = "gt/other"
        try await refused(other, "instance 'glitchtip': the plan's token reference gt/other#token is not App-Interface's "
                          + "gt/test#token: refused, no request sent")
    }

    func testAnInstanceAppInterfaceDoesNotDeclareIsRefused() async throws {
        var evil = R.instance
        evil.name = "evil"
        evil.consoleURL = "https://evil.example.com"
        try await refused(evil, "instance 'evil' of the plan is not an App-Interface instance: refused, no request sent", renamed: true)
    }

    func testAnActionWithoutAnInstanceRecordIsRefused() async throws {
        let fixture = try R(in: self)
        var plan = R.plan([F.create(F.alert("a"))])
        plan.instances = [:]
        let outcome = await fixture.run(plan)
        XCTAssertEqual(R.results(outcome.report), ["failed: glitchtip/Org/web/a: Failed to execute action create: "
                                                   + "no instance record for 'glitchtip' in the action stream"])
        XCTAssertEqual(fixture.requests, [])
    }

    func testAnotherInstanceSelectionRefusesTheRun() async throws {
        let fixture = try R(in: self)
        let outcome = await fixture.run(R.plan([F.create(F.alert("a"))]), configure: { $0.instance = "nope" })
        XCTAssertEqual(outcome.report.runErrors.count, 1)
        XCTAssertTrue(outcome.report.runErrors[0].contains("no GlitchTip instance named 'nope'"), outcome.report.runErrors[0])
        XCTAssertTrue(outcome.report.runErrors[0].hasSuffix("; nothing applied"), outcome.report.runErrors[0])
        XCTAssertEqual(fixture.requests, [])
    }

    /// The plan's own instance record, as App-Interface declares it, is trusted and applied.
    func testThePlanAsMadeIsApplied() async throws {
        let fixture = try R(in: self)
        let outcome = await fixture.run(R.plan([F.create(F.alert("a"))]))
        XCTAssertEqual(R.results(outcome.report), ["applied"])
        XCTAssertEqual(fixture.requests, ["connect glitchtip https://glitchtip.example.com", "GET /api/0/organizations/",
                                          "GET \(F.alertsPath)", "POST \(F.alertsPath)"])
        XCTAssertEqual(outcome.report.status, .success)
    }

    /// Without App-Interface a run that would change GlitchTip is refused before any lock.
    func testWithoutASourceNothingIsLockedOrSent() async throws {
        let fixture = try R(in: self)
        let outcome = await fixture.run(R.plan([F.create(F.alert("a"))]), source: .some(nil))
        XCTAssertEqual(outcome.report.runErrors, ["gt-apply --no-dry-run checks the plan's instances against App-Interface: "
                                                  + "no App-Interface source; nothing applied"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: fixture.lockDirectory), [])
        XCTAssertEqual(fixture.requests, [])
    }

    /// A dry run reads no App-Interface, takes no lock and sends nothing.
    func testADryRunSendsNothing() async throws {
        let fixture = try R(in: self)
        let outcome = await fixture.run(R.plan([F.create(F.alert("a"))]), dryRun: true, source: .some(nil))
        XCTAssertEqual(R.results(outcome.report), ["planned"])
        XCTAssertEqual(outcome.report.status, .success)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: fixture.lockDirectory), [])
        XCTAssertEqual(fixture.requests, [])
    }
}
