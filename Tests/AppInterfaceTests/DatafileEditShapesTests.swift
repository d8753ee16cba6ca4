@testable import AppInterface
import Foundation
import XCTest

/// Datafiles put together at random from the pieces real ones have (comments, blank lines,
/// flow and block values, block scalars, indented sequences, CRLF, no final newline): each
/// edit is refused or changes nothing but added lines and at most one line of `alerts:`.
final class DatafileEditShapesTests: XCTestCase {
    private static let pieces = [
        "name: p", "# a comment", "", "labels: {}", "description: 'quoted # not a comment'", "platform: \"py\"  # trailing",
        "jira:\n  project: PAY\n  components: [a, b]", "text: |\n  block\n\n  scalar\n", "folded: >-\n  a\n  b",
        "multi: \"a\n  b\"", "anchor: &x {a: 1}", "use: *x", "list:\n- 1\n-   2", "deep:\n  a:\n    b:\n      - c: [d, {e: f}]",
        "plain: a\n  continued", "empty:", "tilde: ~", "url: https://x.example.com/a?b=c#d",
    ]
    private static let alertsShapes = [
        nil, "alerts: []", "alerts:", "alerts: ~", "alerts: [] # none", "alerts:\n- name: a\n  quantity: 1",
        "alerts:\n  - name: a\n    q: |\n      x\n\n  # after\n", "alerts:\n- a\n- {b: c}  # c\n# tail comment",
        "alerts:\n    -   name: a\n        r:\n        - x", "alerts: [{a: 1}]", "alerts: &a []", "alerts: x",
    ]

    func testRandomDatafilesAreEditedByAddingLinesOnly() throws {
        var rng = SplitMix(seed: 2_023)
        var edited = 0, refused = 0
        for round in 0..<1_500 {
            var parts = (0..<Int(rng.next() % 8)).map { _ in Self.pieces[Int(rng.next() % UInt64(Self.pieces.count))] }
            if let alerts = Self.alertsShapes[Int(rng.next() % UInt64(Self.alertsShapes.count))] {
                parts.insert(alerts, at: Int(rng.next() % UInt64(parts.count + 1)))
            }
            var text = parts.joined(separator: "\n") + (rng.next() % 4 == 0 ? "" : "\n")
            if rng.next() % 4 == 0 { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
            if rng.next() % 5 == 0 { text = "---\n" + text + "\n...\n" }
            let items = [DatafileEditFixtures.alert("r\(round)")] + (rng.next() % 2 == 0 ? [.string("yes")] : [])
            let result: String
            do { result = try DatafileEdit.appendingAlerts(items, to: text, file: "r.yml") } catch {
                XCTAssertTrue("\(error)".hasPrefix("r.yml"), "\(error)")
                refused += 1
                continue
            }
            edited += 1
            assertOnlyLinesAdded(text, result, "round \(round):\n\(text)\n=>\n\(result)")
        }
        XCTAssertGreaterThan(edited, 300)
        XCTAssertGreaterThan(refused, 50)
    }

    /// The line diff from `old` to `new`: one block of added lines, and at most one line
    /// replaced right before it (the `alerts:` line that lost `[]` or `~`).
    private func assertOnlyLinesAdded(_ old: String, _ new: String, _ message: String, line: UInt = #line) {
        let a = UnifiedDiff.lines(of: Array(old.utf8)), b = UnifiedDiff.lines(of: Array(new.utf8))
        var ids: [ArraySlice<UInt8>: Int] = [:]
        let id = { (l: ArraySlice<UInt8>) -> Int in ids[l] ?? { ids[l] = ids.count; return ids.count - 1 }() }
        let x = a.map(id), y = b.map(id)
        let script = LineDiff.script(x, y)
        let deletes = script.filter { $0 == .delete }.count
        XCTAssertLessThanOrEqual(deletes, 1, message, line: line)
        let changed = script.enumerated().filter { $0.element != .equal }.map(\.offset)
        XCTAssertEqual(changed.last.map { $0 - changed[0] + 1 }, changed.count, "changes not in one block: " + message, line: line)
    }
}
