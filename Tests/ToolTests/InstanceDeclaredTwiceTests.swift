import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// An instance name App-Interface declares twice tells gt-apply nothing about where its token
/// may go: the run is refused with a message naming a declaration, before any request. It used
/// to trap (a dictionary built with unique keys), killing gt-apply with SIGILL.
final class InstanceDeclaredTwiceTests: SimulatorTestCase {
    private var scenario: Scenario!

    func testAnInstanceDeclaredTwiceIsRefusedBeforeAnyRequest() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
        let d = scenario.dataDirectory
        let plan = scenario.directory.appendingPathComponent("plan.ndjson").path
        let made = try Tools.shell("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet) > '\(plan)'",
                                   environment: scenario.environment)
        XCTAssertEqual(made.status, 0, made.stderr)

        let original = try String(contentsOfFile: d + "/instance.yml", encoding: .utf8)
        try original.replacingOccurrences(of: scenario.sim.baseURL, with: "http://127.0.0.1:9")
            .write(toFile: d + "/instance-copy.yml", atomically: true, encoding: .utf8)
        try await scenario.sim.clearRequests()
        let result = try Tools.shell("gt-apply --no-dry-run < '\(plan)'", environment: scenario.environment)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("/instance-copy.yml: instance 'gt' is declared twice in App-Interface"), result.stderr)
        XCTAssertFalse((result.stdout + result.stderr).contains(Scenario.token), "the token was printed")
        let requests = try await scenario.sim.requestLog().requests
        XCTAssertEqual(requests.count, 0, "requests were sent: \(requests)")
    }
}
