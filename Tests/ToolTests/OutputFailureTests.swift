import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// Every tool reports an output it could not write (issue 11, deliverable 3): a full disk on
/// stdout ends in status 1 and a message naming it, never in status 0 with a stream that did
/// not arrive (docs/architecture.md, "System calls").
final class OutputFailureTests: SimulatorTestCase {

    private static let message = "cannot write standard output: No space left on device"

    func testEveryToolExitsOneWhenStandardOutputIsFull() async throws {
        let directory = scratchDirectory()
        let scenario = try await Scenario.make(for: self, in: directory, desired: ["web": [DeclaredAlert(name: "a")]], current: ["web": []])
        let d = scenario.dataDirectory
        let desired = directory.appendingPathComponent("desired.ndjson").path
        let current = directory.appendingPathComponent("current.ndjson").path
        let plan = directory.appendingPathComponent("plan.ndjson").path
        // The streams each tool reads, written where they can be.
        let setup = try Tools.shell("gt-desired --data '\(d)' > '\(desired)' && gt-current --data '\(d)' --quiet > '\(current)' "
                                    + "&& gt-diff --desired '\(desired)' '\(current)' > '\(plan)'",
                                    environment: scenario.environment)
        XCTAssertEqual(setup.status, 0, setup.stderr)

        let runs = [
            ("gt-desired", "gt-desired --data '\(d)'"),
            ("gt-current", "gt-current --data '\(d)' --quiet"),
            ("gt-diff", "gt-diff --desired '\(desired)' '\(current)'"),
            ("gt-diff", "gt-diff --desired '\(desired)' '\(current)' --format text"),
            ("gt-apply", "gt-apply < '\(plan)'"),
            ("gt-apply", "gt-apply --format markdown < '\(plan)'"),
        ]
        for (tool, command) in runs {
            let result = try Tools.shell("\(command) > /dev/full", environment: scenario.environment)
            XCTAssertEqual(result.status, 1, "\(command): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("\(tool): error: \(Self.message)"), "\(command): \(result.stderr)")
        }
        // Nothing was half done: the next plan is the same one.
        XCTAssertEqual(try scenario.plan().count, 1)
    }

    /// A closed pipe with `SIGPIPE` ignored (a parent that ignores it passes that on): `EPIPE`
    /// is a failure too. The FIFO's only reader has exited before the tool starts, so the
    /// first write fails whatever the timing.
    func testAClosedPipeWithSIGPIPEIgnoredExitsOne() throws {
        let directory = scratchDirectory()
        let desired = directory.appendingPathComponent("desired.ndjson").path
        let current = directory.appendingPathComponent("current.ndjson").path
        let empty = { (stream: String) in
            #"{"generator":"test","kind":"header","stream":"\#(stream)","version":1}"# + "\n"
                + #"{"complete":true,"errors":0,"kind":"end","records":0,"stats":{},"stream":"\#(stream)"}"# + "\n"
        }
        try empty("desired").write(toFile: desired, atomically: true, encoding: .utf8)
        try empty("current").write(toFile: current, atomically: true, encoding: .utf8)
        let fifo = directory.appendingPathComponent("fifo").path
        let result = try Tools.shell("""
            trap '' PIPE
            mkfifo '\(fifo)'
            ( exec 4<'\(fifo)' ) &
            exec 5>'\(fifo)'
            wait
            gt-diff --desired '\(desired)' '\(current)' >&5
            """)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("gt-diff: error: cannot write standard output: Broken pipe"), result.stderr)
    }
}
