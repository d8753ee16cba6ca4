import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// A 300 MB line cost gt-diff 554 MB. Every stream reader refuses a line longer than 16 MiB
/// (docs/streams.md, "Line limit") once that much of it is read, naming the stream and the
/// line: exit 1, nothing planned or applied, and memory bounded by the limit, not the line.
/// The line comes through a pipe, never from a file in the repository.
final class LineLimitTests: SimulatorTestCase {

    /// 300 MB: far past the limit, and what the issue measured.
    private static let hugeBytes = 300_000_000

    /// A shell command writing one 300 MB JSON line (a warning whose message is `x` × 300 MB).
    private static let hugeLine = #"{ printf '{"kind":"warning","message":"'; head -c \#(hugeBytes) /dev/zero | tr '\0' x; printf '"}\n'; }"#

    private func assertRefusedWithinMemory(_ result: ToolResult, measured file: String, _ what: String, naming expected: String,
                                           line: UInt = #line) throws {
        let (status, peakKiB) = try PeakMemory.read(file)
        XCTAssertEqual(status, 1, "\(what): \(result.stderr.suffix(1000))", line: line)
        XCTAssertTrue(result.stderr.contains(expected), "\(what): \(result.stderr.suffix(1000))", line: line)
        XCTAssertTrue(result.stderr.contains("longer than 16777216 bytes"), "\(what): \(result.stderr.suffix(1000))", line: line)
        // The limit (16 MiB, held while the line is read, and once more while the buffer grows)
        // and the tool's own needs: well under a third of the line.
        XCTAssertLessThan(peakKiB, Self.hugeBytes / 3 / 1024, "\(what): peak RSS \(peakKiB) KiB", line: line)
        XCTAssertTrue(result.stdout.contains(#""complete":false"#), "\(what): \(result.stdout.suffix(500))", line: line)
    }

    func testAHugeLineIntoGtDiffIsRefusedOnEitherInput() throws {
        let dir = scratchDirectory().path
        let desired = #"{"generator":"t","kind":"header","stream":"desired","version":1}"#
        let current = #"{"generator":"t","kind":"header","stream":"current","version":1}"#
        let end = { (stream: String) in #"{"complete":true,"errors":0,"kind":"end","records":1,"stats":{},"stream":"\#(stream)"}"# }
        try ([desired, end("desired")].joined(separator: "\n") + "\n").write(toFile: dir + "/desired.ndjson", atomically: true, encoding: .utf8)
        try ([current, end("current")].joined(separator: "\n") + "\n").write(toFile: dir + "/current.ndjson", atomically: true, encoding: .utf8)

        let onStdin = try Tools.shell("""
            { echo '\(desired)'; \(Self.hugeLine); echo '\(end("desired"))'; } \
            | \(PeakMemory.prefix(writingTo: dir + "/a")) gt-diff --format ndjson '\(dir)/current.ndjson'; true
            """)
        try assertRefusedWithinMemory(onStdin, measured: dir + "/a", "desired on stdin", naming: "desired stream, line 2: ")

        let asProcess = try Tools.shell("""
            \(PeakMemory.prefix(writingTo: dir + "/b")) gt-diff --format ndjson --desired '\(dir)/desired.ndjson' \
              <({ echo '\(current)'; \(Self.hugeLine); echo '\(end("current"))'; }); true
            """)
        try assertRefusedWithinMemory(asProcess, measured: dir + "/b", "current from <(…)", naming: "stream, line 2: ")
        XCTAssertTrue(asProcess.stderr.contains("current (/dev/fd/"), asProcess.stderr.suffix(1000).description)
    }

    func testAHugeLineIntoGtApplyAppliesNothing() async throws {
        let scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "a")]],
                                               current: ["web": []])
        let plan = try scenario.plan()
        XCTAssertEqual(plan.count, 1)
        let d = scenario.dataDirectory
        let dir = scenario.directory.path
        let planned = try Tools.shell("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet --refresh) > '\(dir)/plan.ndjson'",
                                      environment: scenario.environment)
        XCTAssertEqual(planned.status, 0, planned.stderr)
        try await scenario.sim.clearRequests()
        // The huge line right after the header: the create after it is never reached.
        let result = try Tools.shell("""
            { head -n 1 '\(dir)/plan.ndjson'; \(Self.hugeLine); tail -n +2 '\(dir)/plan.ndjson'; } \
            | \(PeakMemory.prefix(writingTo: dir + "/m")) gt-apply --no-dry-run --format ndjson --data '\(d)'; true
            """, environment: scenario.environment)
        try assertRefusedWithinMemory(result, measured: dir + "/m", "gt-apply", naming: "actions stream, line 2: ")
        XCTAssertTrue(result.stderr.contains("nothing applied"), result.stderr)
        let mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 0, "\(mutations)")
        // The same plan without the line is applied: the refusal was the line's.
        let applied = try Tools.shell("gt-apply --no-dry-run --format ndjson --data '\(d)' < '\(dir)/plan.ndjson'",
                                      environment: scenario.environment)
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertEqual(try summary(applied)?["applied_count"], 1)
    }
}
