import AppInterface
import Foundation
import GTStreams
import XCTest

/// `DatafileEdit.appendingAlerts` adds lines and keeps every other byte of the file: each test
/// compares the whole text.
final class DatafileEditTests: XCTestCase {
    private typealias F = DatafileEditFixtures

    private func edit(_ text: String, _ items: [YAMLNode] = [F.alert("adopted-1")]) throws -> String {
        try DatafileEdit.appendingAlerts(items, to: text, file: "data/p.yml")
    }

    func testItemsFollowTheLastItemOfABlockSequence() throws {
        let text = F.head + """
            alerts:
            - name: existing   # declared by hand
              quantity: 1
              timespanMinutes: 1
              recipients:
              - provider: email-project-members
            # a comment line right after the last item

            jira:
              project: PAY

            """
        let expected = F.head + """
            alerts:
            - name: existing   # declared by hand
              quantity: 1
              timespanMinutes: 1
              recipients:
              - provider: email-project-members

            """ + F.lines("adopted-1") + F.lines("adopted-2") + """
            # a comment line right after the last item

            jira:
              project: PAY

            """
        XCTAssertEqual(try edit(text, [F.alert("adopted-1"), F.alert("adopted-2")]), expected)
    }

    func testIndentedDashesAreMatched() throws {
        let text = "name: p\nalerts:\n    - name: a\n      quantity: 1\n    - {name: b, quantity: 2}\nz: 1\n"
        XCTAssertEqual(try edit(text), "name: p\nalerts:\n    - name: a\n      quantity: 1\n    - {name: b, quantity: 2}\n"
            + F.lines("adopted-1", indent: 4) + "z: 1\n")
    }

    /// A literal block scalar ends where the next content starts: the trailing blank line is
    /// its (kept) content, and the new item goes after it.
    func testALastItemEndingInABlockScalar() throws {
        let text = "alerts:\n- name: a\n  description: |+\n    two lines\n\n# after\nname: p\n"
        let edited = try edit(text)
        XCTAssertEqual(edited, "alerts:\n- name: a\n  description: |+\n    two lines\n\n" + F.lines("adopted-1") + "# after\nname: p\n")
        XCTAssertEqual(try YAMLDocument.parse(edited)["alerts"]?.arrayValue?.first?["description"], .string("two lines\n\n"))
    }

    func testNoAlertsKeyAddsOneAtTheEndOfTheMapping() throws {
        let text = F.head + "jira: {project: PAY}\n# trailing comment\n\n"
        XCTAssertEqual(try edit(text), F.head + "jira: {project: PAY}\nalerts:\n" + F.lines("adopted-1") + "# trailing comment\n\n")
    }

    func testNoAlertsKeyGoesBeforeADocumentEndMarker() throws {
        XCTAssertEqual(try edit("name: p\n...\n"), "name: p\nalerts:\n" + F.lines("adopted-1") + "...\n")
    }

    /// A top-level mapping indented as a whole keeps its column for the added key.
    func testNoAlertsKeyInAnIndentedMapping() throws {
        XCTAssertEqual(try edit("  name: p\n  platform: go\n"), "  name: p\n  platform: go\n  alerts:\n" + F.lines("adopted-1", indent: 2))
    }

    /// The value is the one changed line's only change; a comment on it stays.
    func testEmptyAndNullAlertsLoseTheirValueOnly() throws {
        let cases = [
            ("alerts: []", "alerts:"), ("alerts:", "alerts:"), ("alerts: ~", "alerts:"), ("alerts: null", "alerts:"),
            ("alerts: []   # none yet", "alerts:   # none yet"), ("alerts:\t~", "alerts:"), ("alerts: [ ]", "alerts:"),
            ("alerts: []# tight", "alerts: # tight"), ("\"alerts\": []", "\"alerts\":"),
        ]
        for (line, kept) in cases {
            let text = "name: p\n\(line)\njira: x # j\n"
            XCTAssertEqual(try edit(text), "name: p\n\(kept)\n" + F.lines("adopted-1") + "jira: x # j\n", line)
        }
        XCTAssertEqual(try edit("alerts: [\n]\nname: p\n"), "alerts:\n" + F.lines("adopted-1") + "name: p\n")
    }

    func testCRLFLinesStayAndTheAddedOnesUseCRLF() throws {
        func crlf(_ s: String) -> String { s.replacingOccurrences(of: "\n", with: "\r\n") }
        let items = F.head + "alerts:\n- name: a\n  quantity: 1\n# c\n"
        XCTAssertEqual(try edit(crlf(items)), crlf(F.head + "alerts:\n- name: a\n  quantity: 1\n" + F.lines("adopted-1") + "# c\n"))
        XCTAssertEqual(try edit(crlf("name: p\nalerts: []\n")), crlf("name: p\nalerts:\n" + F.lines("adopted-1")))
        XCTAssertEqual(try edit(crlf("name: p\n")), crlf("name: p\nalerts:\n" + F.lines("adopted-1")))
    }

    /// A file without a final newline gets one only where the lines are added, and still ends without one.
    func testAMissingFinalNewlineIsKept() throws {
        let added = String(F.lines("adopted-1").dropLast())
        XCTAssertEqual(try edit("name: p"), "name: p\nalerts:\n" + added)
        XCTAssertEqual(try edit("name: p\nalerts: []"), "name: p\nalerts:\n" + added)
        XCTAssertEqual(try edit("name: p\nalerts:\n- name: a"), "name: p\nalerts:\n- name: a\n" + added)
        XCTAssertEqual(try edit("alerts:\n- name: a  # c\nname: p"), "alerts:\n- name: a  # c\n" + F.lines("adopted-1") + "name: p")
        XCTAssertEqual(try edit("name: p\r\nalerts: ~"), "name: p\r\nalerts:\r\n" + added.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    /// libyaml counts characters; the edit works on bytes: non-ASCII text before the
    /// insertion point must not shift it.
    func testNonASCIIBeforeTheInsertionPoint() throws {
        let head = "name: 'Zahlungen – Größe 🚀'\ndescription: 日本語の説明\n"
        XCTAssertEqual(try edit(head + "alerts:\n- name: é🚀\n# x\n"), head + "alerts:\n- name: é🚀\n" + F.lines("adopted-1") + "# x\n")
        XCTAssertEqual(try edit(head + "alerts: [] # ü\n"), head + "alerts: # ü\n" + F.lines("adopted-1"))
        XCTAssertEqual(try edit(head), head + "alerts:\n" + F.lines("adopted-1"))
    }

    /// Aliases and anchors elsewhere, a `%YAML` directive, multi-line quoted scalars as the last
    /// content: kept as they are.
    func testUnusualFormattingElsewhereIsKept() throws {
        let text = """
            %YAML 1.1
            ---
            base: &b {quantity: 1}
            name: "a long
              folded name"
            alerts:
            - *b
            - name: "x"
              description: 'multi
                line'   # comment
            tail: [1,
              2]
            ...

            """
        let expected = """
            %YAML 1.1
            ---
            base: &b {quantity: 1}
            name: "a long
              folded name"
            alerts:
            - *b
            - name: "x"
              description: 'multi
                line'   # comment

            """ + F.lines("adopted-1") + "tail: [1,\n  2]\n...\n"
        XCTAssertEqual(try edit(text), expected)
    }

    /// Rarer block shapes: an explicit key, a comment before the first item, empty items,
    /// an indented top level, nested dashes on the item's line.
    func testRareBlockShapes() throws {
        XCTAssertEqual(try edit("? alerts\n: []\nname: p\n"), "? alerts\n:\n" + F.lines("adopted-1", indent: 2) + "name: p\n")
        XCTAssertEqual(try edit("alerts:\n# first\n- a\n"), "alerts:\n# first\n- a\n" + F.lines("adopted-1"))
        XCTAssertEqual(try edit("alerts:\n-\n- \nname: p\n"), "alerts:\n-\n- \n" + F.lines("adopted-1") + "name: p\n")
        XCTAssertEqual(try edit("  name: p\n  alerts:\n  - a\n"), "  name: p\n  alerts:\n  - a\n" + F.lines("adopted-1", indent: 2))
        XCTAssertEqual(try edit("alerts:\n- - a\n  - b\n"), "alerts:\n- - a\n  - b\n" + F.lines("adopted-1"))
    }

    /// `.nan` is not equal to itself as a Double: the read-back check must still see the
    /// document unchanged.
    func testANaNElsewhereIsKept() throws {
        XCTAssertEqual(try edit("ratio: .nan\nlist: [.NaN, 1]\nalerts: []\n"),
                       "ratio: .nan\nlist: [.NaN, 1]\nalerts:\n" + F.lines("adopted-1"))
    }

    func testNoItemsChangesNothing() throws {
        XCTAssertEqual(try edit("name: p # c\n", []), "name: p # c\n")
    }
}

/// Alerts as gt-adopt writes them, and what they look like as block items.
enum DatafileEditFixtures {
    static func alert(_ name: String, url: String = "https://hooks.example.com/x") -> YAMLNode {
        .map([
            .init(key: "name", value: .string(name)),
            .init(key: "description", value: .string("Adopted from GlitchTip on 2026-12-07")),
            .init(key: "quantity", value: .int(10)),
            .init(key: "timespanMinutes", value: .int(5)),
            .init(key: "recipients", value: .list([
                .map([.init(key: "provider", value: .string("email-project-members"))]),
                .map([.init(key: "provider", value: .string("webhook")), .init(key: "url", value: .string(url))]),
            ])),
        ])
    }

    /// `alert(name)` as block lines with its dash at `indent`, each ending in "\n".
    static func lines(_ name: String, indent: Int = 0) -> String {
        let pad = String(repeating: " ", count: indent)
        return """
            \(pad)- name: \(name)
            \(pad)  description: Adopted from GlitchTip on 2026-12-07
            \(pad)  quantity: 10
            \(pad)  timespanMinutes: 5
            \(pad)  recipients:
            \(pad)  - provider: email-project-members
            \(pad)  - provider: webhook
            \(pad)    url: https://hooks.example.com/x

            """
    }

    /// A project datafile as App-Interface writes them, with a comment, a quoted value and an
    /// odd spacing that a re-dump would lose.
    static let head = """
        ---
        # Owned by team Payments; see https://example.com/runbook
        $schema: /dependencies/glitchtip-project-1.yml

        labels: {}
        name: 'payments-api'
        description: "Café \\u00e9 payments"   # quoted on purpose
        platform: python

        projectId: payments-api
        organization:
          $ref: /dependencies/glitchtip/organizations/example.yml

        """
}
