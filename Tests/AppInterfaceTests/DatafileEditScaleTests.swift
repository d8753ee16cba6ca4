import AppInterface
import XCTest

/// Large and deep datafiles: edited or refused without a crash, in one pass each.
final class DatafileEditScaleTests: XCTestCase {
    /// A 2 MB datafile (4,000 alerts with long descriptions): the new item lands after the
    /// last one and every byte before and after is kept.
    func testATwoMegabyteDatafile() throws {
        var text = "name: big\nalerts:\n"
        let description = String(repeating: "é long description ", count: 24)
        for i in 0..<4_000 {
            text += "- name: alert-\(i)\n  description: \"\(description)\"\n  quantity: \(i)\n  timespanMinutes: 1\n"
        }
        let tail = "# end of alerts\njira: {project: BIG}\n"
        text += tail
        // 2 MB, a thousand times a real datafile (the 10 MB case took 25 s of the suite for nothing more).
        XCTAssertGreaterThan(text.utf8.count, 2_000_000)
        let edited = try DatafileEdit.appendingAlerts([DatafileEditFixtures.alert("adopted")], to: text, file: "big.yml")
        XCTAssertEqual(edited, String(text.dropLast(tail.count)) + DatafileEditFixtures.lines("adopted") + tail)
    }

    /// 100 levels deep elsewhere (the document's mapping, `deep`'s and 98 more) in the file is within the reader's limit and kept; 101 is refused.
    func testAHundredDeepNestElsewhere() throws {
        var nest = ""
        for level in 0..<98 { nest += String(repeating: " ", count: level * 2) + "l\(level):\n" }
        nest += String(repeating: " ", count: 196) + "leaf: 1\n"
        let text = "name: p\ndeep:\n" + nest.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\nalerts: []\n"
        XCTAssertEqual(try DatafileEdit.appendingAlerts([DatafileEditFixtures.alert("a")], to: text, file: "deep.yml"),
                       String(text.dropLast("alerts: []\n".count)) + "alerts:\n" + DatafileEditFixtures.lines("a"))
        let tooDeep = "name: p\nx: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
        XCTAssertThrowsError(try DatafileEdit.appendingAlerts([DatafileEditFixtures.alert("a")], to: tooDeep, file: "deep.yml")) {
            XCTAssertTrue("\($0)".hasPrefix("deep.yml: YAML nested deeper than 100 levels"), "\($0)")
        }
    }

    /// Items nested as deep as the reader allows are written and read back; deeper ones are
    /// refused by the read-back check, not by a crash.
    func testDeepItems() throws {
        func nested(_ depth: Int) -> YAMLNode {
            (0..<depth).reduce(YAMLNode.string("leaf")) { inner, _ in .map([.init(key: "k", value: inner)]) }
        }
        // `alerts` and the document's mapping take two of the hundred levels.
        XCTAssertNoThrow(try DatafileEdit.appendingAlerts([nested(98)], to: "alerts: []\n", file: "p.yml"))
        XCTAssertThrowsError(try DatafileEdit.appendingAlerts([nested(500)], to: "alerts: []\n", file: "p.yml")) {
            XCTAssertTrue("\($0)".contains("p.yml: the edited file would not read back"), "\($0)")
        }
    }

    func testManyItemsAtOnce() throws {
        let items = (0..<2_000).map { DatafileEditFixtures.alert("a\($0)") }
        let edited = try DatafileEdit.appendingAlerts(items, to: "name: p\n", file: "p.yml")
        XCTAssertEqual(edited, "name: p\nalerts:\n" + (0..<2_000).map { DatafileEditFixtures.lines("a\($0)") }.joined())
    }
}
