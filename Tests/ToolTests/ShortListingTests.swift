import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// A listing that holds fewer items than its `X-Hits` announced fails its scope closed: the
/// alerts it left out are not created again (docs/safety.md, "A listing must add up").
final class ShortListingTests: SimulatorTestCase {
    private var scenario: Scenario!

    func testAShortAlertsPageCreatesNothingAndTheNextRunConverges() async throws {
        let names = ["a", "b", "c"]
        scenario = try await Scenario.make(for: self, desired: ["web": names.map { DeclaredAlert(name: $0) }],
                                           current: ["web": names.map { SimState.alert($0) }])
        // Every listing of the project's alerts leaves out its last (oldest) item: "a".
        try await scenario.sim.faults([["method": "GET", "path": "/api/0/projects/nasa/web/alerts/", "action": "short_page",
                                        "times": 0]])
        let result = try scenario.pipeline(apply: true)
        XCTAssertNotEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("X-Hits"), result.stderr)
        let mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 0, "a mutation built on a short listing")

        try await scenario.sim.admin(.delete, "/__admin/faults")
        let clean = try scenario.pipeline(apply: true)
        XCTAssertEqual(clean.status, 0, clean.stderr)
        XCTAssertEqual(try scenario.plan().count, 0)
        let held = try await scenario.alerts("web").compactMap { $0["name"]?.stringValue }.sorted()
        XCTAssertEqual(held, names)
    }
}
