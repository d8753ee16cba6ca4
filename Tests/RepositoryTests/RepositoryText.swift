import Foundation
import GTTestSupport
import XCTest

/// The repository's own text (docs, README, scripts), read the way the documentation checks
/// need it: whole files, a section of a Markdown file, table rows, code spans.
enum RepositoryText {
    static let root = TestPaths.packageRoot

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// docs/*.md and README.md, by path.
    static func documents() throws -> [(path: String, text: String)] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/\($0)" }
        return try (docs + ["README.md"]).map { ($0, try read($0)) }
    }

    /// The lines of the section whose heading line is `heading`, up to the next heading of the
    /// same or a higher level.
    static func section(_ heading: String, of path: String) throws -> [Substring] {
        let lines = try read(path).split(separator: "\n", omittingEmptySubsequences: false)
        let start = try XCTUnwrap(lines.firstIndex { $0 == heading }, "\(path): no section \(heading)")
        let level = heading.prefix { $0 == "#" }.count
        var fenced = false  // a `# comment` in a fenced shell block is no heading
        let end = lines[(start + 1)...].firstIndex { line in
            if line.hasPrefix("```") { fenced.toggle() }
            let hashes = line.prefix { $0 == "#" }.count
            return !fenced && hashes > 0 && hashes <= level && line.dropFirst(hashes).hasPrefix(" ")
        } ?? lines.endIndex
        return Array(lines[(start + 1)..<end])
    }

    /// A table row's cells, trimmed, code-span backticks removed.
    static func cells(_ line: Substring) -> [String] {
        line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "") }
    }

    /// The text of every code span (`…`) in `text`.
    static func codeSpans(_ text: some StringProtocol) -> [String] {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// Every match of `pattern` in `text` (the whole match, or its first group when it has one).
    static func matches(_ pattern: String, in text: String) throws -> [String] {
        let expression = try NSRegularExpression(pattern: pattern)
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            let range = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
            return String(text[Range(range, in: text)!])
        }
    }
}
