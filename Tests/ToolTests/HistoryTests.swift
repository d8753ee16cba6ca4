import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// The real gt-diff says when a plan deletes alerts no earlier desired state declared
/// (docs/rules.md, "Deletes of alerts no desired state declared"): in the text and Markdown
/// plans, as a warning per project and a trailer stat in the stream (gt-apply shows the
/// warnings), and with `--history FILE` remembers what was declared.
final class HistoryTests: XCTestCase {
    /// web declares `a`; GlitchTip holds `a` twice and two alerts made in the UI; api declares
    /// nothing and GlitchTip holds `x`: four deletes, three of them undeclared (the second `a`
    /// is a duplicate).
    private func firstRun(_ fixture: HistoryFixture) throws -> (String, String) {
        try fixture.streams(desired: ["web": ["a"], "api": []],
                            current: ["web": [("a", 1), ("a", 2), ("ui-1", 3), ("ui-2", 4)], "api": [("x", 5)]])
    }

    func testTheTextAndMarkdownPlansCountTheDeletesPerProject() throws {
        let fixture = HistoryFixture(self)
        let paths = try firstRun(fixture)
        let text = try fixture.diff(paths, ["--format", "text"])
        XCTAssertEqual(text.status, 0, text.stderr)
        let lines = text.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(Array(lines.suffix(2)), [
            "Plan: 0 to create, 0 to update, 4 to delete.",
            "3 of the deletes are of alerts no earlier desired state declared (made in the GlitchTip UI?): gt/nasa/api 1, "
                + "gt/nasa/web 2. gt-adopt writes them into App-Interface.",
        ])
        let markdown = try fixture.diff(paths, ["--format", "markdown"])
        XCTAssertEqual(markdown.status, 0, markdown.stderr)
        XCTAssertTrue(markdown.stdout.contains("\n\n3 of the deletes are of alerts no earlier desired state declared (made in the "
                                               + "GlitchTip UI?): `gt/nasa/api` 1, `gt/nasa/web` 2. `gt-adopt` writes them into "
                                               + "App-Interface.\n\n"), markdown.stdout)
        // Nothing undeclared: no line.
        let none = try fixture.diff(try fixture.streams("-none", desired: ["web": ["a"]], current: ["web": [("a", 1), ("a", 2)]]),
                                    ["--format", "text"])
        XCTAssertFalse(none.stdout.contains("no earlier desired state"), none.stdout)
    }

    func testTheStreamHasAWarningPerProjectAndTheStatAndGtApplyShowsThem() throws {
        let fixture = HistoryFixture(self)
        let plan = try fixture.diff(try firstRun(fixture), ["--format", "ndjson"])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        XCTAssertEqual(try plan.trailer()?["stats"]?["undeclared_deletes"], 3)
        XCTAssertEqual(try plan.trailer()?["stats"]?["deletes"], 4)
        let body = try plan.body()
        let warnings = body.filter { $0["kind"] == "warning" }
        XCTAssertEqual(warnings.map { $0["scope"]?["project"]?.stringValue ?? "" }, ["api", "web"])
        XCTAssertEqual(warnings.map { $0["message"]?.stringValue ?? "" }, [
            "Project 'gt/nasa/api': 1 alert to delete was declared by no earlier desired state (made in the GlitchTip UI?); "
                + "gt-adopt writes them into App-Interface",
            "Project 'gt/nasa/web': 2 alerts to delete were declared by no earlier desired state (made in the GlitchTip UI?); "
                + "gt-adopt writes them into App-Interface",
        ])
        let firstAction = try XCTUnwrap(body.firstIndex { $0["kind"] == "action" })
        let lastWarning = try XCTUnwrap(body.lastIndex { $0["kind"] == "warning" })
        XCTAssertTrue(lastWarning < firstAction, "the warnings come before the actions")

        // gt-apply reads the stream, shows the warnings and does not fail on them (dry run).
        let apply = try Tools.run("gt-apply", ["--format", "text"], stdin: plan.stdout)
        XCTAssertEqual(apply.status, 0, apply.stderr)
        XCTAssertTrue(apply.stdout.hasPrefix("warning: Project 'gt/nasa/api': 1 alert to delete was declared by no earlier"),
                      apply.stdout)
        XCTAssertTrue(apply.stdout.contains("warning: Project 'gt/nasa/web': 2 alerts to delete were"), apply.stdout)
        let results = try Tools.run("gt-apply", ["--format", "ndjson"], stdin: plan.stdout)
        XCTAssertEqual(results.status, 0, results.stderr)
        XCTAssertEqual(try summary(results)?["status"], "success")
        // The stream is valid against the schema.
        let saved = fixture.directory.appendingPathComponent("actions.ndjson").path
        try plan.stdout.write(toFile: saved, atomically: true, encoding: .utf8)
        let validator = TestPaths.packageRoot.appendingPathComponent("scripts/lib/validate-streams.py").path
        let valid = try Tools.shell("python3 '\(validator)' '\(saved)'")
        XCTAssertEqual(valid.status, 0, valid.stdout + valid.stderr)
    }

    /// A first run makes the history (0600) of what the desired state declares; the next run
    /// does not count the delete of an alert removed from App-Interface since, and the file
    /// keeps its mode and every key once declared.
    func testTheHistoryIsMadeThenAddedToAndRemembersWhatWasDeclared() throws {
        let fixture = HistoryFixture(self)
        let first = try fixture.streams("-1", desired: ["web": ["a", "old"]], current: ["web": [("a", 1), ("ui", 2)]])
        let run1 = try fixture.diff(first, ["--format", "ndjson", "--history", fixture.history])
        XCTAssertEqual(run1.status, 0, run1.stderr)
        XCTAssertEqual(try run1.trailer()?["stats"]?["undeclared_deletes"], 1)
        XCTAssertEqual(try fixture.historyAlerts(), ["web/a", "web/old"])
        XCTAssertEqual(try fixture.mode(fixture.history), 0o600)

        XCTAssertEqual(chmod(fixture.history, 0o640), 0)
        // `old` left App-Interface: its delete is what someone asked for. `ui` is still undeclared.
        let second = try fixture.streams("-2", desired: ["web": ["a"]], current: ["web": [("a", 1), ("old", 3), ("ui", 2)]])
        let run2 = try fixture.diff(second, ["--format", "ndjson", "--history", fixture.history])
        XCTAssertEqual(run2.status, 0, run2.stderr)
        XCTAssertEqual(try run2.trailer()?["stats"]?["deletes"], 2)
        XCTAssertEqual(try run2.trailer()?["stats"]?["undeclared_deletes"], 1)
        XCTAssertEqual(try fixture.historyAlerts(), ["web/a", "web/old"], "a key once declared stays")
        XCTAssertEqual(try fixture.mode(fixture.history), 0o640, "an existing file keeps its mode")

        // Without --history the same plan counts both deletes: nothing earlier is known.
        let without = try fixture.diff(second, ["--format", "ndjson"])
        XCTAssertEqual(try without.trailer()?["stats"]?["undeclared_deletes"], 2)
    }

    /// A stream that is refused writes no history.
    func testARefusedStreamWritesNoHistory() throws {
        let fixture = HistoryFixture(self)
        let paths = try firstRun(fixture)
        try String(try String(contentsOfFile: paths.1, encoding: .utf8).split(separator: "\n").dropLast().joined(separator: "\n") + "\n")
            .write(toFile: paths.1, atomically: true, encoding: .utf8)
        let result = try fixture.diff(paths, ["--format", "ndjson", "--history", fixture.history])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.history), "a history from a refused stream")
    }

    func testAMalformedHistoryIsRefusedNamingFileAndLine() throws {
        let fixture = HistoryFixture(self)
        let text = HistoryFixture.historyText([("web", "b"), ("web", "a")])
        try text.write(toFile: fixture.history, atomically: true, encoding: .utf8)
        for format in ["ndjson", "text"] {
            let result = try fixture.diff(try firstRun(fixture), ["--format", format, "--history", fixture.history])
            XCTAssertEqual(result.status, 1, result.stdout)
            XCTAssertTrue(result.stderr.contains("history \(fixture.history), line 3: gt/nasa/web/a is out of order or repeated"),
                          result.stderr)
            XCTAssertFalse(result.stdout.contains("delete"), "a plan from a malformed history: \(result.stdout)")
            if format == "ndjson" { XCTAssertEqual(try result.trailer()?["complete"], false, result.stdout) }
        }
        XCTAssertEqual(try String(contentsOfFile: fixture.history, encoding: .utf8), text, "the refused history was changed")
    }

    /// A link is not followed (the rename would replace the link), a directory or FIFO is not
    /// read (nor waited on): each is refused, naming the file, and nothing is written.
    func testALinkADirectoryAndAFIFOAreRefused() throws {
        let fixture = HistoryFixture(self)
        let paths = try firstRun(fixture)
        let target = fixture.directory.appendingPathComponent("elsewhere").path
        let text = HistoryFixture.historyText([("web", "a")])
        try text.write(toFile: target, atomically: true, encoding: .utf8)
        XCTAssertEqual(symlink(target, fixture.history), 0)
        let directory = fixture.directory.appendingPathComponent("a-directory").path
        XCTAssertEqual(mkdir(directory, 0o700), 0)
        let fifo = fixture.directory.appendingPathComponent("a-fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        for (path, message) in [(fixture.history, "is a symbolic link; give the file itself"),
                                (directory, "not a regular file (a directory)"), (fifo, "not a regular file (a FIFO)")] {
            let result = try fixture.diff(paths, ["--format", "ndjson", "--history", path])
            XCTAssertEqual(result.status, 1, result.stdout)
            XCTAssertTrue(result.stderr.contains("history \(path): \(message)"), result.stderr)
            XCTAssertEqual(try result.trailer()?["complete"], false, result.stdout)
        }
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), text, "the link's target was written")
        let usage = try fixture.diff(paths, ["--history", "-"])
        XCTAssertEqual(usage.status, 64, usage.stderr)
        XCTAssertTrue(usage.stderr.contains("--history takes a file"), usage.stderr)
    }
}
