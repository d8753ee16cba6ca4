import AppInterface
import GTStreams
import GTGlitchTip
import GTCLI
import XCTest

/// The YAML reader refuses nesting deeper than `YAMLDocument.maxDepth` and aliases that expand
/// past `YAMLDocument.maxAliasNodes`, with a message that names the limit and a position.
final class YAMLLimitsTests: XCTestCase {
    private func sequences(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }

    private func mappings(_ depth: Int) -> String {
        String(repeating: "{a: ", count: depth) + "1" + String(repeating: "}", count: depth)
    }

    private func assertLimit(_ text: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try YAMLDocument.parse(text), file: file, line: line) { error in
            XCTAssertTrue(error is YAMLDocument.LimitExceeded, "\(error)", file: file, line: line)
            XCTAssertTrue("\(error)".contains(expected), "\(error)", file: file, line: line)
        }
    }

    func testNestingUpToTheLimitIsRead() throws {
        XCTAssertEqual(YAMLDocument.maxDepth, 100)
        XCTAssertNoThrow(try YAMLDocument.parse(sequences(100)))
        XCTAssertNoThrow(try YAMLDocument.parse(mappings(100)))
        XCTAssertNoThrow(try YAMLDocument.parse("k: " + sequences(99)))
    }

    func testNestingBeyondTheLimitIsRefused() {
        assertLimit(sequences(101), "YAML nested deeper than 100 levels (line 1, column 101)")
        assertLimit(mappings(101), "YAML nested deeper than 100 levels (line 1, column 401)")
        assertLimit("k: " + sequences(100), "YAML nested deeper than 100 levels")
    }

    /// 100,000 levels overflowed the stack (SIGSEGV) and took seconds; now refused at once.
    func testHundredThousandLevelsAreRefusedWithoutACrash() {
        assertLimit(sequences(100_000), "YAML nested deeper than 100 levels")
        assertLimit(mappings(100_000), "YAML nested deeper than 100 levels")
        var block = ""
        for level in 0..<200 { block += String(repeating: " ", count: level) + "a:\n" }
        assertLimit(block, "YAML nested deeper than 100 levels (line 101, column 101)")
    }

    /// An alias counts at the depth it is used: a deep anchor used deep is too deep.
    func testAliasesCountTowardsTheDepth() throws {
        XCTAssertNoThrow(try YAMLDocument.parse("a: &x \(sequences(60))\nb: *x"))
        assertLimit("a: &x \(sequences(60))\nb: \(String(repeating: "[", count: 60))*x\(String(repeating: "]", count: 60))",
                    "YAML nested deeper than 100 levels")
    }

    /// The billion laughs: nine aliases of nine aliases of … ; refused long before 9^9 nodes.
    func testAnAliasBombIsRefused() {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
        for i in 1...9 { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]") }
        lines.append("quantity: *a9")
        assertLimit(lines.joined(separator: "\n"), "YAML aliases expand to more than 100000 nodes")
    }

    func testOrdinaryAliasesAreRead() throws {
        let doc = try YAMLDocument.parse("""
            base: &base {quantity: 1, timespanMinutes: 5, recipients: [{provider: email-project-members}]}
            one: *base
            two: *base
            """)
        XCTAssertEqual(doc["two"], doc["base"])
        // 100,000 alias nodes in all are within the budget; one more is not.
        let list = "l: &l [" + Array(repeating: "x", count: 999).joined(separator: ", ") + "]\n"  // 1,000 nodes
        XCTAssertNoThrow(try YAMLDocument.parse(list + "m: [" + Array(repeating: "*l", count: 100).joined(separator: ", ") + "]"))
        assertLimit(list + "m: [" + Array(repeating: "*l", count: 100).joined(separator: ", ") + ", *l]",
                    "YAML aliases expand to more than 100000 nodes")
    }
}
