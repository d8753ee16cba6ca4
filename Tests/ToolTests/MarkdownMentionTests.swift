import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// A Markdown plan posted as a merge-request comment never mentions anyone or links anything:
/// every name from App-Interface or GlitchTip, and every message quoting one, is a code span
/// (README "Operating gt"). Rendered by markdown-it-py, no `@`, `#`, `!`, `~`, `%`, `$`, `&` or
/// `[[` reaches text outside `<code>`, where GitLab and GitHub would make it a reference.
final class MarkdownMentionTests: SimulatorTestCase {
    private var sim: Simulator?

    static let instance = "@all #1 !1 ~2 %3 $4 &5 [[w]]"
    static let organization = "@here #9 | a | b <script>x</script>"
    static let missingOrganization = "!7 [[wiki]] @missing"
    static let names = [
        "@all see #1 and !1", "~milestone %label $snippet &epic [[wiki]] ![img](x) [l](u)", "`tick` ``two`` ```three```",
        "| pipe | cell |", "<script>alert(1)</script>", "line1\n\n# heading\n- item @here", " leading and trailing ",
        "`", "\\`escaped` @x", "@group/sub #123+ !45+", "user@example.com http://evil.example/@x", "trailing`",
    ]
    static let sigils = ["@", "#", "!", "~", "%", "$", "&", "[["]

    /// markdown-it-py's CommonMark rendering: the text outside `<code>`, each `<code>`'s text,
    /// the tags, and raw HTML tokens.
    static let renderer = #"""
        import json, sys
        from html.parser import HTMLParser
        from markdown_it import MarkdownIt
        md = MarkdownIt("commonmark")
        source = sys.stdin.read()
        html = md.render(source)
        class Split(HTMLParser):
            def __init__(self):
                super().__init__(convert_charrefs=True)
                self.depth, self.outside, self.code, self.tags = 0, [], [], []
            def handle_starttag(self, tag, attrs):
                self.tags.append(tag)
                if tag == "code":
                    self.depth += 1
                    self.code.append("")
            def handle_endtag(self, tag):
                if tag == "code":
                    self.depth -= 1
            def handle_data(self, data):
                if self.depth:
                    self.code[-1] += data
                else:
                    self.outside.append(data)
        split = Split()
        split.feed(html)
        tokens = md.parse(source)
        inline = sum(1 for t in tokens if t.type == "inline" for c in t.children if c.type == "html_inline")
        blocks = [t.content.strip() for t in tokens if t.type == "html_block"]
        print(json.dumps({"outside": "".join(split.outside), "code": split.code, "tags": split.tags,
                          "html_inline": inline, "html_blocks": blocks}))
        """#

    struct Rendered {
        let outside: String
        let code: [String]
        let tags: [String]
        let htmlInline: Int
        let htmlBlocks: [String]
    }

    private func render(_ markdown: String, in directory: URL) throws -> Rendered {
        let script = directory.appendingPathComponent("split.py")
        try Self.renderer.write(to: script, atomically: true, encoding: .utf8)
        let input = directory.appendingPathComponent("comment-\(UUID().uuidString).md")
        try markdown.write(to: input, atomically: true, encoding: .utf8)
        let result = try Tools.shell("python3 '\(script.path)' < '\(input.path)'")
        XCTAssertEqual(result.status, 0, "markdown-it-py: \(result.stderr)")
        let doc = try JSONValue(parsing: result.stdout)
        return Rendered(outside: doc["outside"]?.stringValue ?? "", code: doc["code"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                        tags: doc["tags"]?.arrayValue?.compactMap(\.stringValue) ?? [], htmlInline: Int(doc["html_inline"]?.intValue ?? -1),
                        htmlBlocks: doc["html_blocks"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    private func assertNoReference(_ doc: Rendered, _ markdown: String, file: StaticString = #filePath, line: UInt = #line) {
        for sigil in Self.sigils {
            XCTAssertFalse(doc.outside.contains(sigil), "'\(sigil)' outside a code span:\n\(doc.outside)\n--- from:\n\(markdown)", file: file, line: line)
        }
        XCTAssertEqual(doc.htmlInline, 0, "raw HTML in:\n\(markdown)", file: file, line: line)
        XCTAssertTrue(doc.htmlBlocks.allSatisfy { $0.hasPrefix("<details>") || $0 == "</details>" }, "\(doc.htmlBlocks)", file: file, line: line)
        for tag in ["script", "a", "img", "h1", "h2", "table", "blockquote"] {
            XCTAssertFalse(doc.tags.contains(tag), "<\(tag)> in:\n\(markdown)", file: file, line: line)
        }
    }

    /// One instance, an organization and a project with every hostile name: GlitchTip holds the
    /// names (to delete), App-Interface declares them (to create), and App-Interface names an
    /// organization GlitchTip does not have (a warning quoting it).
    private func fixture(_ directory: URL) async throws -> (environment: [String: String], data: String) {
        let sim = try startSimulator()
        self.sim = sim
        let data = directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data.appendingPathComponent("projects"), withIntermediateDirectories: true)
        func write(_ path: String, _ text: String) throws { try text.write(to: data.appendingPathComponent(path), atomically: true, encoding: .utf8) }
        func quoted(_ text: String) -> String { JSONValue.string(text).serialized() }
        try write("instance.yml", """
            $schema: /dependencies/glitchtip-instance-1.yml
            name: \(quoted(Self.instance))
            description: test
            consoleUrl: \(sim.baseURL)
            automationUserEmail: {path: gt/creds, field: email}
            automationToken: {path: gt/creds, field: token}
            readTimeout: 5
            maxRetries: 1
            """)
        for (file, name) in [("org.yml", Self.organization), ("missing.yml", Self.missingOrganization)] {
            try write(file, "$schema: /dependencies/glitchtip-organization-1.yml\nname: \(quoted(name))\ndescription: t\ninstance: {$ref: /instance.yml}\n")
        }
        for (file, org) in [("web", "/org.yml"), ("lost", "/missing.yml")] {
            var lines = ["$schema: /dependencies/glitchtip-project-1.yml", "name: \(file)", "description: t", "platform: go",
                         "app: {$ref: /app.yml}", "teams: []", "organization: {$ref: \(org)}", "alerts:"]
            for (index, name) in Self.names.enumerated() {
                lines += ["- name: \(quoted(name + " new"))", "  description: d", "  quantity: \(index + 1)", "  timespanMinutes: 1",
                          "  recipients:", "  - provider: email-project-members"]
            }
            try write("projects/\(file).yml", lines.joined(separator: "\n") + "\n")
        }
        let token = "mention-planted-token"
        try #"{"gt/creds": {"token": "\#(token)", "email": "bot@example.com"}}"#
            .write(to: directory.appendingPathComponent("secrets.json"), atomically: true, encoding: .utf8)
        let alerts = Self.names.map { SimState.alert($0) }
        try await sim.load(SimState.state([SimState.organization(Self.organization, slug: "nasa", projects: [SimState.project("web", alerts: alerts)])],
                                          tokens: [token: ["org:read", "project:read", "project:write", "project:admin"]]))
        let environment = ["GT_SECRETS_FILE": directory.appendingPathComponent("secrets.json").path,
                           "GT_CACHE_DIR": directory.appendingPathComponent("cache").path, "GT_LOCK_DIR": directory.path,
                           "GT_DATA_DIR": data.path]
        return (environment, data.path)
    }

    func testThePlanAndTheResultsMentionNoOne() async throws {
        let directory = scratchDirectory()
        let (environment, data) = try await fixture(directory)
        let plan = try Tools.shell("gt-desired --data '\(data)' | gt-diff --format ndjson <(gt-current --data '\(data)' --quiet) > '\(directory.path)/plan.ndjson'",
                                   environment: environment)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let planned = try Tools.shell("gt-diff --format markdown --desired <(gt-desired --data '\(data)') <(gt-current --data '\(data)' --quiet)",
                                      environment: environment)
        XCTAssertEqual(planned.status, 0, planned.stderr)
        let doc = try render(planned.stdout, in: directory)
        assertNoReference(doc, planned.stdout)
        // Every name is shown, verbatim but for line breaks, in a code span of its own.
        for name in Self.names {
            let flat = name.replacingOccurrences(of: "\n", with: " ")
            XCTAssertTrue(doc.code.contains(flat) && doc.code.contains(flat + " new"), "\(flat.debugDescription) in \(doc.code)")
        }
        XCTAssertTrue(doc.code.contains { $0.contains(Self.missingOrganization) }, "the warning: \(doc.code)")
        XCTAssertTrue(doc.code.contains(Self.instance), "\(doc.code)")
        // The structure holds: the title, one project heading, one item per action and warning.
        XCTAssertEqual(doc.tags.filter { $0 == "h3" || $0 == "h4" }.count, 3, planned.stdout)
        XCTAssertEqual(doc.tags.filter { $0 == "li" }.count, 2 * Self.names.count + 1, planned.stdout)

        // Applied with GlitchTip refusing the deletes (500) and echoing a hostile body on
        // creates (400): each failed action's note quotes the alert's name and the body.
        try await sim!.faults([
            ["method": "DELETE", "path": "/api/0/projects/nasa/web/alerts/", "match": "prefix", "times": 0, "action": "status", "status": 500],
            ["method": "POST", "path": "/api/0/projects/nasa/web/alerts/", "times": 0, "action": "status", "status": 400,
             "body": #"{"detail": "@all please see #1, !1 and [[wiki]] &x"}"#, "content_type": "application/json"],
        ])
        let applied = try Tools.shell("gt-apply --no-dry-run --format markdown < '\(directory.path)/plan.ndjson'", environment: environment)
        XCTAssertEqual(applied.status, 1, applied.stderr)
        XCTAssertTrue(applied.stdout.contains("Failed to execute action delete"), applied.stdout)
        let results = try render(applied.stdout, in: directory)
        assertNoReference(results, applied.stdout)
        XCTAssertTrue(results.code.contains { $0.contains("@all see #1 and !1: Failed to execute action delete") }, "\(results.code)")
        XCTAssertTrue(results.code.contains { $0.contains("@all please see #1") }, "\(results.code)")
        // One item per action and per warning: the missing organization, and the deletes of
        // alerts no earlier desired state declared.
        XCTAssertEqual(results.tags.filter { $0 == "li" }.count, 2 * Self.names.count + 2, applied.stdout)

        // Skipped: another run holds the instance's lock.
        let lockFile = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasPrefix("apply-") && $0.hasSuffix(".lock") })
        let skipped = try Tools.shell("""
            cd '\(directory.path)'
            flock -n '\(lockFile)' sh -c 'gt-apply --no-dry-run --format markdown < plan.ndjson'
            """, environment: environment)
        XCTAssertEqual(skipped.status, 0, skipped.stderr)
        XCTAssertTrue(skipped.stdout.hasPrefix("Skipped: duplicate_task"), skipped.stdout)
        let skip = try render(skipped.stdout, in: directory)
        assertNoReference(skip, skipped.stdout)
        XCTAssertTrue(skip.code.contains { $0.contains(Self.instance) }, "\(skip.code)")
    }

    /// The one function every such string goes through: a code span that holds any text as it
    /// is, however many backticks it has, with the spaces at its ends kept.
    func testACodeSpanHoldsAnyText() throws {
        let texts = Self.names + ["", " ", "  ", "a\r\nb", "``", "` `", "x\u{0}y", String(repeating: "`", count: 40) + "@x"]
        let markdown = texts.map { "- " + PlanMarkdown.code($0) }.joined(separator: "\n") + "\n"
        let doc = try render(markdown, in: scratchDirectory())
        assertNoReference(doc, markdown)
        XCTAssertEqual(doc.tags.filter { $0 == "li" }.count, texts.count)
        for (text, shown) in zip(texts, doc.code) {
            // Each line break is a space; CommonMark shows NUL as U+FFFD.
            let flat = String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : $0 == "\u{0}" ? "\u{FFFD}" : $0 }))
            XCTAssertEqual(shown, flat.isEmpty ? " " : flat, text.debugDescription)
        }
    }
}
