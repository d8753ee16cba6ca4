import Foundation
import GTTestSupport
import XCTest

/// The repository explains itself: comments cite docs/ (never a document outside the checkout),
/// every section they cite exists, and no source file grows past one screenful of jobs.
final class SelfContainedDocsTests: XCTestCase {
    private let root = TestPaths.packageRoot

    private func files(under folder: String, endingIn suffixes: [String]) throws -> [String] {
        let base = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { path in suffixes.contains { path.hasSuffix($0) } }
            .map { "\(folder)/\($0)" }.sorted()
    }

    private func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    func testCommentsCiteNoDocumentOutsideTheRepository() throws {
        // Spelled in pieces so this file does not match itself.
        let outside = ["SP" + "EC", "reference-" + "implementation", "glitchtip-" + "api.md", "/work/" + "shared", "../" + "shared"]
        // The optional extras beside the checkout are read on purpose, and say so.
        let readsTheOptionalExtras: Set<String> = ["Tests/GTTestSupport/TestPaths.swift", "Tests/ToolTests/DesiredTests.swift"]
        var found: [String] = []
        for folder in ["Sources", "Tests", "scripts"] {
            for path in try files(under: folder, endingIn: [".swift", ".py", ".sh", ".md", ""]) where !readsTheOptionalExtras.contains(path) {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory),
                      !isDirectory.boolValue, let body = try? text(path) else { continue }
                for (number, line) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                where outside.contains(where: { line.contains($0) }) {
                    found.append("\(path):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        XCTAssertEqual(found, [], found.joined(separator: "\n"))
    }

    func testEverySectionACommentCitesExists() throws {
        let citation = try NSRegularExpression(pattern: #"docs/([a-z-]+\.md), "([^"]+)""#)
        var missing: [String] = []
        for path in try files(under: "Sources", endingIn: [".swift"]) {
            let body = try text(path)
            for match in citation.matches(in: body, range: NSRange(body.startIndex..., in: body)) {
                let doc = String(body[Range(match.range(at: 1), in: body)!])
                // A citation may wrap onto the next comment line.
                let section = String(body[Range(match.range(at: 2), in: body)!]).split(separator: "\n")
                    .map { $0.trimmingCharacters(in: .whitespaces).drop { $0 == "/" }.trimmingCharacters(in: .whitespaces) }
                    .joined(separator: " ")
                let headings = (try? text("docs/\(doc)"))?.split(separator: "\n").filter { $0.hasPrefix("#") } ?? []
                if !headings.contains(where: { $0.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces) == section }) {
                    missing.append("\(path): docs/\(doc), \"\(section)\"")
                }
            }
        }
        XCTAssertEqual(missing, [], missing.joined(separator: "\n"))
    }

    func testNoSourceFileIsLongerThan300Lines() throws {
        var long: [String] = []
        for path in try files(under: "Sources", endingIn: [".swift"]) {
            let lines = try text(path).split(separator: "\n", omittingEmptySubsequences: false).count - 1
            if lines > 300 { long.append("\(path): \(lines) lines") }
        }
        XCTAssertEqual(long, [], long.joined(separator: "\n"))
    }
}
