import Foundation
import GTTestSupport
import XCTest

/// The README documents every flag there is, and no flag that is not.
final class ReadmeTests: XCTestCase {
    private func flags(in text: String) -> Set<String> {
        var found: Set<String> = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i + 2 < scalars.count {
            let boundary = i == 0 || !(CharacterSet.alphanumerics.contains(scalars[i - 1]) || scalars[i - 1] == "-")
            if boundary, scalars[i] == "-", scalars[i + 1] == "-", CharacterSet.lowercaseLetters.contains(scalars[i + 2]) {
                var j = i + 2
                while j < scalars.count, CharacterSet.lowercaseLetters.contains(scalars[j]) || scalars[j] == "-"
                    || CharacterSet.decimalDigits.contains(scalars[j]) { j += 1 }
                found.insert(String(String.UnicodeScalarView(scalars[i..<j])))
                i = j
            } else {
                i += 1
            }
        }
        return found
    }

    func testEveryFlagIsDocumentedAndEveryDocumentedFlagExists() throws {
        var helpFlags: Set<String> = []
        for tool in ["gt-desired", "gt-current", "gt-diff", "gt-apply"] {
            let help = try Tools.run(tool, ["--help"])
            XCTAssertEqual(help.status, 0)
            helpFlags.formUnion(flags(in: help.stdout))
        }
        for script in ["scripts/gt-reconcile", "scripts/bench", "scripts/install", "scripts/fuzz"] {
            let path = TestPaths.packageRoot.appendingPathComponent(script).path
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let help = try Tools.run(path, ["--help"])
            XCTAssertEqual(help.status, 0, script)
            helpFlags.formUnion(flags(in: help.stdout))
        }
        let readme = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let documented = flags(in: readme)
        XCTAssertEqual(documented.subtracting(helpFlags).sorted(), [], "in the README but in no --help")
        XCTAssertEqual(helpFlags.subtracting(documented).sorted(), [], "in a --help but not in the README")
        XCTAssertGreaterThan(helpFlags.count, 15)
    }
}
