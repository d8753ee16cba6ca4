import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// gt-diff's `--history` file under runs at once and a kill (docs/rules.md, "Deletes of alerts
/// no desired state declared"): no run loses another's keys, and a run killed while it writes
/// leaves the old file whole.
final class HistoryFileSafetyTests: XCTestCase {
    /// Eight gt-diff runs at once, each declaring its own alert, on one history: every key is
    /// in it afterwards (each run reads the file again under the lock before replacing it).
    func testRunsAtOnceLoseNoKeys() throws {
        let fixture = HistoryFixture(self)
        try HistoryFixture.historyText([("base", "kept")]).write(toFile: fixture.history, atomically: true, encoding: .utf8)
        var commands: [String] = []
        for run in 1...8 {
            let paths = try fixture.streams("-\(run)", desired: ["p\(run)": ["declared-\(run)"]], current: ["p\(run)": []])
            commands.append("gt-diff --format ndjson --history '\(fixture.history)' --desired '\(paths.0)' '\(paths.1)' > /dev/null "
                            + "|| echo \"run \(run) failed\" &")
        }
        let result = try Tools.shell(commands.joined(separator: "\n") + "\nwait")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "", result.stderr)
        XCTAssertEqual(try fixture.historyAlerts(), ["base/kept"] + (1...8).map { "p\($0)/declared-\($0)" })
    }

    /// gt-diff is frozen (SIGSTOP) once its temporary file exists and while the old file is
    /// still at the path, then killed: the old file is there byte for byte, and the next run
    /// reads it. A run that renamed before it could be frozen is tried again.
    func testAKillMidWriteLeavesTheOldFileWhole() async throws {
        let fixture = HistoryFixture(self)
        // 100,000 alerts (about 9 MB): the write and its fsync take long enough to be caught.
        let old = HistoryFixture.historyText((0..<100_000).map { ("big", "alert-\(1_000_000 + $0)") })
        let paths = try fixture.streams(desired: ["new": ["declared-now"]], current: ["new": []])
        var caught = false
        for _ in 0..<10 where !caught {
            try old.write(toFile: fixture.history, atomically: true, encoding: .utf8)
            let scratch = scratchDirectory()
            let tool = try BackgroundTool("gt-diff", ["--format", "ndjson", "--history", fixture.history, "--desired", paths.0, paths.1],
                                          stdinFile: nil, environment: [:], scratch: scratch)
            let temporary = { () -> Bool in
                ((try? FileManager.default.contentsOfDirectory(atPath: fixture.directory.path)) ?? []).contains { $0.hasSuffix(".tmp") }
            }
            // Polled every millisecond, not eventually()'s 50: the file lives only while it is written.
            let deadline = ContinuousClock.now + .seconds(120)
            while !temporary() && tool.process.isRunning && ContinuousClock.now < deadline { usleep(1000) }
            tool.signal(SIGSTOP)
            // Frozen: the temporary file still there means the rename has not happened.
            caught = tool.process.isRunning && temporary()
            tool.signal(SIGKILL)
            tool.signal(SIGCONT)
            let finished = try await tool.finish(within: 60)
            if !caught {
                XCTAssertEqual(finished.status, 0, finished.stderr)
                continue
            }
            let now = try String(contentsOfFile: fixture.history, encoding: .utf8)
            XCTAssertTrue(now == old, "the old history was changed by a killed run")
        }
        XCTAssertTrue(caught, "no run was caught mid-write in 10 tries")
        // The left temporary file is not the history; the next run reads the old one and adds its key.
        let next = try fixture.diff(paths, ["--format", "ndjson", "--history", fixture.history])
        XCTAssertEqual(next.status, 0, next.stderr)
        let alerts = try fixture.historyAlerts()
        XCTAssertEqual(alerts.count, 100_001)
        XCTAssertTrue(alerts.contains("new/declared-now"))
    }
}
