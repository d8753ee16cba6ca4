import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// `gt-diff --format markdown` and `gt-reconcile --format markdown` (README "Operating gt"):
/// rendered by a real CommonMark implementation (markdown-it-py, installed by scripts/test), the
/// plan has the expected headings, lists and folds, shows names as written, and no secret.
final class MarkdownPlanTests: SimulatorTestCase {
    private var scenario: Scenario!

    static let secretUser = "md-planted-user-secret"
    static let secretQuery = "md-planted-query-secret"
    static let oddName = "odd *name* <b>x</b> [l](u) `tick` a_b_c & 1. |t|"

    /// Renders Markdown with markdown-it-py's CommonMark preset and describes the result.
    static let renderer = #"""
        import json, sys
        from markdown_it import MarkdownIt
        md = MarkdownIt("commonmark")
        source = sys.stdin.read()
        tokens = md.parse(source)
        out = {"headings": [], "items": [], "html_blocks": [], "html_inline": 0, "paragraphs": [], "text": ""}
        texts = []
        for i, t in enumerate(tokens):
            if t.type == "heading_open":
                out["headings"].append([t.tag, tokens[i + 1].content])
            if t.type == "html_block":
                out["html_blocks"].append(t.content.strip())
            if t.type == "inline":
                rendered = "".join(c.content for c in t.children if c.type in ("text", "code_inline"))
                texts.append(rendered)
                out["html_inline"] += sum(1 for c in t.children if c.type == "html_inline")
                if i > 1 and tokens[i - 2].type == "list_item_open":
                    out["items"].append(rendered)
                elif tokens[i - 1].type == "paragraph_open":
                    out["paragraphs"].append(rendered)
        out["text"] = "\n".join(texts)
        out["html"] = md.render(source)
        print(json.dumps(out))
        """#

    private func render(_ markdown: String) throws -> JSONValue {
        let script = scenario.directory.appendingPathComponent("render.py")
        try Self.renderer.write(to: script, atomically: true, encoding: .utf8)
        let input = scenario.directory.appendingPathComponent("plan.md")
        try markdown.write(to: input, atomically: true, encoding: .utf8)
        let result = try Tools.shell("python3 '\(script.path)' < '\(input.path)'")
        XCTAssertEqual(result.status, 0, "markdown-it-py: \(result.stderr)")
        return try JSONValue(parsing: result.stdout)
    }

    private func makeScenario() async throws {
        let hook = "https://\(Self.secretUser)@hooks.example.com/services/x?token=\(Self.secretQuery)"
        scenario = try await Scenario.make(
            for: self,
            desired: ["web": (1...7).map { DeclaredAlert(name: "n\($0)") },
                      "api": [DeclaredAlert(name: "changed", quantity: 5, recipients: [("webhook", hook)]),
                              DeclaredAlert(name: Self.oddName)]],
            current: ["web": [], "api": [SimState.alert("changed", quantity: 1), SimState.alert("gone")]])
    }

    private func assertNoSecret(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        for secret in [Self.secretUser, Self.secretQuery, Scenario.token] {
            XCTAssertFalse(text.contains(secret), "a secret in the Markdown plan", file: file, line: line)
        }
    }

    func testDiffMarkdownRendersAsHeadingsListsAndFolds() async throws {
        try await makeScenario()
        let d = scenario.dataDirectory
        let result = try Tools.shell("gt-desired --data '\(d)' | gt-diff --format markdown <(gt-current --data '\(d)' --quiet)",
                                     environment: scenario.environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        assertNoSecret(result.stdout)
        let doc = try render(result.stdout)

        let headings = doc["headings"]?.arrayValue?.map { $0.arrayValue!.map { $0.stringValue! } } ?? []
        XCTAssertEqual(headings, [["h3", "GlitchTip alerts plan"], ["h4", "`gt/nasa/api`"], ["h4", "`gt/nasa/web`"]])
        let paragraphs = doc["paragraphs"]?.arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertEqual(paragraphs.first, "Plan: gt: 8 to create, 1 to update, 1 to delete.")

        let items = doc["items"]?.arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertEqual(items.count, 10, "\(items)")
        // Names render exactly as written: escaped, not interpreted.
        XCTAssertTrue(items.contains("create \(Self.oddName) (quantity 1, timespan 1 min, recipients: [email])"), "\(items)")
        XCTAssertTrue(items.contains {
            $0.hasPrefix("update changed: quantity 1 → 5, recipients [email] → [webhook https://…@hooks.example.com/services/…?…]")
        }, "\(items)")
        XCTAssertTrue(items.contains { $0.hasPrefix("delete gone (pk ") }, "\(items)")
        XCTAssertEqual(doc["html_inline"], 0, "a name opened raw HTML")
        let text = doc["text"]?.stringValue ?? ""
        XCTAssertFalse(text.contains("\\"), "a raw escape shows in the rendered text: \(text)")
        XCTAssertFalse((doc["html"]?.stringValue ?? "").contains("<b>x</b>"))

        // The long project (7 changes) is folded; the short one is not.
        let blocks = doc["html_blocks"]?.arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertEqual(blocks, ["<details>\n<summary>7 to create, 0 to update, 0 to delete</summary>", "</details>"])
        let html = doc["html"]?.stringValue ?? ""
        let web = try XCTUnwrap(html.range(of: "<details>"))
        XCTAssertNotNil(html.range(of: "<li>", range: web.upperBound..<html.endIndex), "the list inside <details> is not Markdown-rendered")

        // An empty plan says so.
        XCTAssertEqual(try scenario.pipeline(apply: true).status, 0)
        let empty = try Tools.shell("gt-desired --data '\(d)' | gt-diff --format markdown <(gt-current --data '\(d)' --quiet --refresh)",
                                    environment: scenario.environment)
        XCTAssertEqual(empty.status, 0, empty.stderr)
        XCTAssertEqual(try render(empty.stdout)["paragraphs"]?.arrayValue?.compactMap(\.stringValue), ["No changes."])
    }

    func testReconcileMarkdownIsThePlanWithItsOutcome() async throws {
        try await makeScenario()
        let script = TestPaths.packageRoot.appendingPathComponent("scripts/gt-reconcile").path
        let result = try Tools.shell("'\(script)' --data '\(scenario.dataDirectory)' --format markdown",
                                     environment: scenario.environment.merging(["GT_BIN_DIR": Tools.binDirectory.path]) { $1 })
        XCTAssertEqual(result.status, 0, result.stderr)
        assertNoSecret(result.stdout + result.stderr)
        let doc = try render(result.stdout)
        // The plan's warning that `gone` was declared by no earlier desired state is a heading and an item of its own.
        XCTAssertEqual(doc["headings"]?.arrayValue?.count, 4)
        let items = doc["items"]?.arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertEqual(items.count, 11)
        XCTAssertTrue(items.contains { $0.hasPrefix("Project 'gt/nasa/api': 1 alert to delete was declared by no earlier desired state") },
                      "\(items)")
        let paragraphs = doc["paragraphs"]?.arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertEqual(paragraphs.last, "Dry run: nothing applied (use --no-dry-run to apply).")
        XCTAssertFalse((doc["text"]?.stringValue ?? "").contains("\\"))
    }
}
