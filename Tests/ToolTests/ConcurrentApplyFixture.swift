import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// A saved plan, and two `gt-apply --no-dry-run` of it at once: what the run-lock tests need
/// (one run applies, the other is skipped as a duplicate).
extension Scenario {
    /// The scenario's plan (an actions stream), saved as `plan.ndjson` in its directory.
    func savedPlan() throws -> String {
        let plan = directory.appendingPathComponent("plan.ndjson").path
        let made = try Tools.shell(
            "gt-desired --data '\(dataDirectory)' | gt-diff --format ndjson <(gt-current --data '\(dataDirectory)' --quiet) > '\(plan)'",
            environment: environment)
        XCTAssertEqual(made.status, 0, made.stderr)
        return plan
    }

    /// Both runs' summaries and exit statuses, with every request slowed by `latencyMs` so the
    /// runs overlap.
    struct TwoApplies {
        var summaries: [JSONValue]
        var exits: [Int32]
        /// Everything both runs printed, for failure messages.
        var output: String
    }

    func twoAppliesAtOnce(latencyMs: Int, environment extra: [String: String] = [:]) async throws -> TwoApplies {
        let plan = try savedPlan()
        try await sim.config(["latency_ms": .int(Int64(latencyMs))])
        let result = try Tools.shell("""
            cd '\(directory.path)'
            gt-apply --no-dry-run < '\(plan)' > a.out & a=$!
            gt-apply --no-dry-run < '\(plan)' > b.out & b=$!
            wait $a; ea=$?; wait $b; eb=$?
            cat a.out b.out | grep '"kind":"summary"'; echo "exits $ea $eb"
            """, environment: environment.merging(extra) { $1 })
        let lines = result.stdout.split(separator: "\n")
        return TwoApplies(
            summaries: try lines.filter { $0.hasPrefix("{") }.map { try JSONValue(parsing: String($0)) },
            exits: lines.last { $0.hasPrefix("exits ") }?.split(separator: " ").dropFirst().compactMap { Int32($0) } ?? [],
            output: result.stdout + result.stderr)
    }
}
