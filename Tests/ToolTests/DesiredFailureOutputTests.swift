import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// What gt-desired writes when it fails (README "Exit status", docs/rules.md "Desired state"):
/// the header, then an incomplete trailer, nothing between; and every place that says so says
/// the header comes first.
final class DesiredFailureOutputTests: XCTestCase {
    func testAFailedBuildWritesTheHeaderAndAnIncompleteTrailerOnly() throws {
        let result = try Tools.run("gt-desired", ["--data", "/nonexistent-\(UUID().uuidString)"])
        XCTAssertEqual(result.status, 1)
        let records = try result.records()
        XCTAssertEqual(records.map { $0["kind"]?.stringValue }, ["header", "end"])
        XCTAssertEqual(records.last?["complete"], .bool(false))
        XCTAssertEqual(records.last?["records"], .int(0))
    }

    func testTheDocsAndTheHelpSayTheHeaderComesFirst() throws {
        let root = TestPaths.packageRoot
        let help = try Tools.run("gt-desired", ["--help"]).stdout
        var texts: [(String, String)] = [("gt-desired --help", help)]
        for doc in ["README.md", "docs/rules.md", "share/man/man1/gt-desired.1"] {
            texts.append((doc, try String(contentsOf: root.appendingPathComponent(doc), encoding: .utf8)))
        }
        for (name, text) in texts {
            let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            XCTAssertFalse(flat.contains("only an incomplete trailer"), name)
            XCTAssertFalse(flat.contains("nothing but an incomplete trailer"), name)
            XCTAssertTrue(flat.contains("the header and an incomplete trailer"), name)
        }
    }
}
