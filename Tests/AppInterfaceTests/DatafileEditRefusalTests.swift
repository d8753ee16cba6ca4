import AppInterface
import XCTest

/// Every datafile shape that new lines alone cannot extend is refused with the file and the
/// line, never edited wrongly.
final class DatafileEditRefusalTests: XCTestCase {
    private func assertRefused(_ text: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try DatafileEdit.appendingAlerts([DatafileEditFixtures.alert("n")], to: text, file: "data/p.yml"),
                             file: file, line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("data/p.yml"), message, file: file, line: line)
            XCTAssertTrue(message.contains(expected), "\(message) lacks \(expected)", file: file, line: line)
        }
    }

    func testANonEmptyFlowSequenceIsRefused() {
        assertRefused("name: p\nalerts: [{name: a}]\n", "data/p.yml, line 2: cannot add alerts: alerts is a flow sequence")
        assertRefused("name: p\nalerts: [\n  a,\n]\n", "line 2: cannot add alerts: alerts is a flow sequence")
    }

    func testAnchorsAliasesAndTagsOnAlertsAreRefused() {
        assertRefused("name: p\nalerts: &a\n- name: x\n", "line 2: cannot add alerts: alerts has an anchor or a tag")
        assertRefused("name: p\nalerts: !!seq\n- name: x\n", "line 2: cannot add alerts: alerts has an anchor or a tag")
        assertRefused("name: p\nalerts: &a []\n", "line 2: cannot add alerts: alerts has an anchor or a tag")
        assertRefused("name: p\nalerts: !!null ~\n", "line 2: cannot add alerts: alerts has an anchor or a tag")
        assertRefused("x: &l [{name: a}]\nalerts: *l\n", "line 2: cannot add alerts: alerts is an alias")
        assertRefused("x: &n\nalerts: *n\n", "line 2: cannot add alerts: alerts is an alias")
        assertRefused("&k alerts: []\n", "line 1: cannot add alerts: the alerts key has an anchor or a tag")
    }

    func testASecondDocumentIsRefused() {
        assertRefused("name: p\nalerts: []\n---\nname: q\n", "line 3: cannot add alerts: the file holds a second YAML document")
        assertRefused("name: p\n...\n---\n", "line 3: cannot add alerts: the file holds a second YAML document")
    }

    func testATopLevelThatIsNotABlockMappingIsRefused() {
        assertRefused("- name: p\n", "data/p.yml: the top level is not a mapping")
        assertRefused("just text\n", "data/p.yml: the top level is not a mapping")
        assertRefused("", "data/p.yml: the top level is not a mapping")
        assertRefused("# only a comment\n", "data/p.yml: the top level is not a mapping")
        assertRefused("{name: p, alerts: []}\n", "line 1: cannot add alerts: the top-level mapping is in flow style")
    }

    func testAlertsThatIsNotASequenceIsRefused() {
        assertRefused("alerts: none\n", "line 1: cannot add alerts: alerts is not a sequence")
        assertRefused("alerts: ''\n", "line 1: cannot add alerts: alerts is not a sequence")
        assertRefused("alerts: 'null'\n", "line 1: cannot add alerts: alerts is not a sequence")
        assertRefused("alerts: 0\n", "line 1: cannot add alerts: alerts is not a sequence")
        assertRefused("alerts:\n  name: x\n", "line 2: cannot add alerts: alerts is not a sequence")
        assertRefused("alerts: |\n  x\n", "line 1: cannot add alerts: alerts is not a sequence")
    }

    func testAFileLibYAMLRefusesIsRefused() {
        assertRefused("name: p\nalerts:\n- a\n b: [\n", "data/p.yml: invalid YAML")
        assertRefused("name: p\nname: q\n", "data/p.yml: duplicate key 'name'")
        assertRefused("name: p\n\tx: 1\n", "data/p.yml: invalid YAML")
        // gt's reader (YAMLDocument) reads no byte order mark, so gt-desired could not read the result either.
        assertRefused("\u{FEFF}name: p\nalerts: []\n", "data/p.yml: invalid YAML")
        assertRefused("n: 99999999999999999999\n", "data/p.yml: n (line 1, column 4): integer out of range")
    }

    func testFilesOverTheReadersLimitsAreRefused() {
        let deep = String(repeating: "[", count: 101) + String(repeating: "]", count: 101)
        assertRefused("name: p\nx: \(deep)\nalerts: []\n", "data/p.yml: YAML nested deeper than 100 levels")
        var bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
        for i in 1...9 { bomb.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]") }
        assertRefused(bomb.joined(separator: "\n") + "\nalerts: []\n", "YAML aliases expand to more than 100000 nodes")
    }

    /// Items the reader would not give back as written (a repeated key) are refused by the
    /// read-back check, the file left as it was.
    func testItemsThatDoNotReadBackAreRefused() {
        let twice = YAMLNode.map([.init(key: "name", value: .string("a")), .init(key: "name", value: .string("b"))])
        XCTAssertThrowsError(try DatafileEdit.appendingAlerts([twice], to: "alerts: []\n", file: "data/p.yml")) { error in
            XCTAssertTrue("\(error)".hasPrefix("data/p.yml: the edited file would not read back"), "\(error)")
        }
    }
}
