import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// gt-apply sends an instance's token only to that instance's URL as App-Interface declares it
/// (README, "What gt never does"): a plan is an artifact that may have been edited.
final class InstanceTrustTests: SimulatorTestCase {
    private var scenario: Scenario!
    private var elsewhere: Simulator!

    private func plan() throws -> [JSONValue] {
        let d = scenario.dataDirectory
        let result = try Tools.shell("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet)", environment: scenario.environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try result.records()
    }

    private func write(_ records: [JSONValue]) throws -> String {
        let path = scenario.directory.appendingPathComponent("edited-plan.ndjson").path
        try records.map { $0.serialized() }.joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Every `instance` record (and the actions, for a rename) edited by `edit`.
    private func edited(_ records: [JSONValue], _ edit: (inout [String: JSONValue]) -> Void) -> [JSONValue] {
        records.map { record in
            guard case .object(var fields) = record, ["instance", "action"].contains(fields["kind"]?.stringValue ?? "") else { return record }
            edit(&fields)
            return .object(fields)
        }
    }

    private func assertRefused(_ planFile: String, _ expected: String, environment extra: [String: String] = [:],
                               file: StaticString = #filePath, line: UInt = #line) async throws {
        try await scenario.sim.clearRequests()
        try await elsewhere.clearRequests()
        let result = try Tools.shell("gt-apply --no-dry-run < '\(planFile)'", environment: scenario.environment.merging(extra) { $1 })
        XCTAssertEqual(result.status, 1, file: file, line: line)
        XCTAssertTrue(result.stderr.contains(expected), result.stderr, file: file, line: line)
        XCTAssertFalse((result.stdout + result.stderr).contains(Scenario.token), "the token was printed", file: file, line: line)
        let strange = try await elsewhere.requestLog().requests
        XCTAssertEqual(strange.count, 0, "the other server got requests: \(strange)", file: file, line: line)
        let mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 0, file: file, line: line)
        XCTAssertEqual(try summary(result)?["applied_count"], 0, file: file, line: line)
    }

    func testAPlanPointingAnInstanceAtAnotherURLIsRefusedBeforeAnyRequest() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
        elsewhere = try startSimulator()
        let records = try plan()

        let moved = try write(edited(records) { fields in
            if fields["kind"] == "instance" { fields["console_url"] = .string(elsewhere.baseURL) }
        })
        try await assertRefused(moved, "gt/nasa/web/n: Failed to execute action create: instance 'gt': the plan's console_url "
                                + "\(elsewhere.baseURL) is not App-Interface's \(scenario.sim.baseURL): refused, no request sent")

        // Another name, so the instance is one App-Interface does not know.
        let renamed = try write(edited(records) { fields in
            if fields["kind"] == "instance" { fields["name"] = "evil"; fields["console_url"] = .string(elsewhere.baseURL) }
            if fields["kind"] == "action" { fields["instance"] = "evil" }
        })
        try await assertRefused(renamed, "instance 'evil' of the plan is not an App-Interface instance: refused, no request sent")

        // Another token reference for the right URL.
        let otherToken = try write(edited(records) { fields in
            if fields["kind"] == "instance" { fields["token"] = ["path": "gt/other", "field": "token", "format": "plain"] }
        })
        try await assertRefused(otherToken, "the plan's token reference gt/other#token is not App-Interface's gt/creds#token")

        // Without App-Interface, gt-apply --no-dry-run does not know where a token may go: a
        // usage error, before any lock or request (ApplyUsageBeforeLockTests).
        let unsourced = try Tools.shell("gt-apply --no-dry-run < '\(try write(records))'",
                                        environment: scenario.environment.merging(["GT_DATA_DIR": ""]) { $1 })
        XCTAssertEqual(unsourced.status, 64, unsourced.stderr)
        XCTAssertTrue(unsourced.stderr.contains("--no-dry-run checks the plan's instances against App-Interface: no App-Interface source"),
                      unsourced.stderr)

        // The plan as made is applied, and the next one is empty.
        let applied = try Tools.shell("gt-apply --no-dry-run < '\(try write(records))'", environment: scenario.environment)
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertEqual(try scenario.plan(), [])
    }

    func testTheSourceFlagsAndInstanceSelectionAreHonoured() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
        elsewhere = try startSimulator()
        let planFile = try write(try plan())
        // --instance names another instance than the plan's: App-Interface has no such instance.
        let other = try Tools.shell("gt-apply --no-dry-run --data '\(scenario.dataDirectory)' --instance nope < '\(planFile)'",
                                    environment: scenario.environment.merging(["GT_DATA_DIR": ""]) { $1 })
        XCTAssertEqual(other.status, 1)
        XCTAssertTrue(other.stderr.contains("no GlitchTip instance named 'nope'"), other.stderr)
        let none = try await scenario.mutations()
        XCTAssertEqual(none.count, 0)

        let applied = try Tools.shell("gt-apply --no-dry-run --data '\(scenario.dataDirectory)' --instance gt < '\(planFile)'",
                                      environment: scenario.environment.merging(["GT_DATA_DIR": ""]) { $1 })
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertEqual(try scenario.plan(), [])
    }
}
