import AppInterface
import Foundation
import GTTestSupport
import XCTest

/// `UnifiedDiff.file` output is accepted by `git apply --check` and `patch -p1`, and applying
/// it with either gives exactly the new text.
final class UnifiedDiffTests: XCTestCase {
    private typealias F = DatafileEditFixtures

    /// Applies the diff of `old` to `new` at `path` with git and with patch, each in a fresh
    /// directory holding `old`; both must give `new` byte for byte.
    private func assertApplies(_ old: String, _ new: String, path: String = "data/p.yml",
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let diff = UnifiedDiff.file(path: path, old: old, new: new)
        XCTAssertFalse(diff.isEmpty, file: file, line: line)
        for tool in ["git", "patch"] {
            let root = scratchDirectory()
            let target = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(old.utf8).write(to: target)
            let patchFile = root.appendingPathComponent("change.patch")
            try Data(diff.utf8).write(to: patchFile)
            let runs: [[String]] = tool == "git"
                ? [["/usr/bin/git", "-C", root.path, "apply", "--check", patchFile.path], ["/usr/bin/git", "-C", root.path, "apply", patchFile.path]]
                : [["/usr/bin/patch", "-p1", "--batch", "--dry-run", "-d", root.path, "-i", patchFile.path],
                   ["/usr/bin/patch", "-p1", "--batch", "-d", root.path, "-i", patchFile.path]]
            for run in runs {
                let result = try Tools.run(run[0], Array(run.dropFirst()))
                XCTAssertEqual(result.status, 0, "\(run.joined(separator: " ")): \(result.stdout)\(result.stderr)\n\(diff)", file: file, line: line)
            }
            XCTAssertEqual(String(decoding: try Data(contentsOf: target), as: UTF8.self), new, "\(tool)\n\(diff)", file: file, line: line)
        }
    }

    func testEqualTextsGiveNoDiff() {
        XCTAssertEqual(UnifiedDiff.file(path: "p.yml", old: "a\nb\n", new: "a\nb\n"), "")
        XCTAssertEqual(UnifiedDiff.file(path: "p.yml", old: "", new: ""), "")
    }

    func testAnInsertionIsAGitStyleHunk() throws {
        let old = "a\nb\nc\nd\ne\nf\ng\n"
        let new = "a\nb\nc\nd\nX\nY\ne\nf\ng\n"
        XCTAssertEqual(UnifiedDiff.file(path: "data/p.yml", old: old, new: new), """
            diff --git a/data/p.yml b/data/p.yml
            --- a/data/p.yml
            +++ b/data/p.yml
            @@ -2,6 +2,8 @@
             b
             c
             d
            +X
            +Y
             e
             f
             g

            """)
        try assertApplies(old, new)
    }

    func testAReplacedLine() throws {
        let old = "name: p\nalerts: []\njira: x\n"
        let new = "name: p\nalerts:\n- name: a\njira: x\n"
        XCTAssertEqual(UnifiedDiff.file(path: "p.yml", old: old, new: new),
                       "diff --git a/p.yml b/p.yml\n--- a/p.yml\n+++ b/p.yml\n@@ -1,3 +1,4 @@\n name: p\n-alerts: []\n+alerts:\n+- name: a\n jira: x\n")
        try assertApplies(old, new)
    }

    func testNoFinalNewline() throws {
        XCTAssertEqual(UnifiedDiff.file(path: "p.yml", old: "a", new: "a\nb"),
                       "diff --git a/p.yml b/p.yml\n--- a/p.yml\n+++ b/p.yml\n@@ -1 +1,2 @@\n-a\n\\ No newline at end of file\n+a\n+b\n\\ No newline at end of file\n")
        try assertApplies("a", "a\nb")
        try assertApplies("a\n", "a")
        try assertApplies("a", "a\n")
        try assertApplies("", "a\nb\n")
        try assertApplies("a\nb\n", "")
    }

    func testCRLF() throws {
        try assertApplies("a\r\nb\r\nc\r\n", "a\r\nb\r\nX\r\nc\r\n")
        try assertApplies("a\r\nb", "a\r\nb\r\nc")
    }

    /// Paths are written as git writes them: a space gets a tab after the name, a quote or a
    /// non-ASCII byte makes a C-quoted name.
    func testOddPaths() throws {
        XCTAssertTrue(UnifiedDiff.file(path: "data/my project.yml", old: "a\n", new: "b\n")
            .hasPrefix("diff --git a/data/my project.yml b/data/my project.yml\n--- a/data/my project.yml\t\n+++ b/data/my project.yml\t\n"))
        XCTAssertTrue(UnifiedDiff.file(path: "d/é\"q.yml", old: "a\n", new: "b\n")
            .hasPrefix(#"diff --git "a/d/\303\251\"q.yml" "b/d/\303\251\"q.yml""# + "\n" + #"--- "a/d/\303\251\"q.yml""#))
        try assertApplies("a\nb\n", "a\nc\n", path: "data/my project.yml")
        try assertApplies("a\nb\n", "a\nc\n", path: "data/Zahlungen Größe/p\"q.yml")
    }

    func testSeparateAndJoinedHunks() throws {
        let old = (1...40).map { "line \($0)\n" }.joined()
        var lines = (1...40).map { "line \($0)\n" }
        lines[2] = "changed 3\n"
        lines[9] = "changed 10\n"  // 6 equal lines apart from line 3: one hunk
        lines[30] = "changed 31\n"  // far: a second hunk
        lines.insert("new\n", at: 39)  // 8 equal lines after line 31: a third
        let diff = UnifiedDiff.file(path: "p.yml", old: old, new: lines.joined())
        XCTAssertEqual(diff.components(separatedBy: "\n").filter { $0.hasPrefix("@@") },
                       ["@@ -1,13 +1,13 @@", "@@ -28,7 +28,7 @@", "@@ -37,4 +37,5 @@"])
        try assertApplies(old, lines.joined())
        // The same hunks as git's own diff (whose headers add the line before the hunk).
        let root = scratchDirectory()
        try Data(old.utf8).write(to: root.appendingPathComponent("old"))
        try Data(lines.joined().utf8).write(to: root.appendingPathComponent("new"))
        let git = try Tools.run("/usr/bin/git", ["-C", root.path, "diff", "--no-index", "--no-color", "old", "new"])
        let withoutContext = git.stdout.components(separatedBy: "\n").map { line in
            line.hasPrefix("@@") ? line.components(separatedBy: " @@")[0] + " @@" : line
        }
        XCTAssertEqual(withoutContext.drop { !$0.hasPrefix("@@") }.joined(separator: "\n"),
                       diff.components(separatedBy: "\n").drop { !$0.hasPrefix("@@") }.joined(separator: "\n"))
    }

    /// Random texts over few distinct lines (many equal ones, so hunks must be placed right),
    /// CRLF and LF mixed, with and without a final newline: both tools give the new text.
    func testRandomTextsApply() throws {
        let alphabet = ["a\n", "b\n", "a\r\n", "- name: x\n", "\n", "é\n", "e\u{301}\n", "  # c\n"]
        var rng = SplitMix(seed: 11)
        func text() -> String {
            var s = (0..<Int(rng.next() % 30)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined()
            if rng.next() % 3 == 0 && s.hasSuffix("\n") { s.removeLast() }
            return s
        }
        var applied = 0
        while applied < 20 {
            let old = text(), new = text()
            guard !old.utf8.elementsEqual(new.utf8) else { continue }
            try assertApplies(old, new)
            applied += 1
        }
        // Canonically equal, byte-different lines are a change.
        XCTAssertFalse(UnifiedDiff.file(path: "p.yml", old: "é\n", new: "e\u{301}\n").isEmpty)
    }

    /// Every edit `DatafileEdit` makes gives a diff both tools apply.
    func testEveryDatafileEditApplies() throws {
        let crlf = { (s: String) in s.replacingOccurrences(of: "\n", with: "\r\n") }
        let olds = [
            F.head + "alerts:\n- name: a\n# c\njira: x\n", F.head + "alerts: [] # none\njira: x\n", F.head,
            "name: p", "name: p\nalerts: ~", crlf(F.head + "alerts:\n  - name: a\n"), crlf("name: p"), "name: p\n...\n",
        ]
        for old in olds {
            let new = try DatafileEdit.appendingAlerts([F.alert("x"), F.alert("y")], to: old, file: "p.yml")
            try assertApplies(old, new, path: "data/dependencies/my team/p.yml")
        }
    }
}
