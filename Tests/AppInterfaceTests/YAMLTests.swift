import AppInterface
import GTStreams
import GTGlitchTip
import XCTest

/// YAML read through libyaml's events, scalars typed as PyYAML (YAML 1.1) types them.
final class YAMLTests: XCTestCase {
    func testScalarsAreTypedLikePyYAML() throws {
        let doc = try YAMLDocument.parse("""
            int: 42
            negative: -7
            octal: 010
            hex: 0x1F
            underscored: 1_000
            float: 2.5
            exponent: 1.0e+3
            noDot: 1e3
            yesValue: yes
            offValue: Off
            truth: true
            nothing: null
            tilde: ~
            empty:
            quoted: '42'
            doubleQuoted: "true"
            tagged: !!str 7
            name: glitchtip-prod
            url: https://hooks.example.com/a?b=c
            """)
        XCTAssertEqual(doc, [
            "int": 42, "negative": -7, "octal": 8, "hex": 31, "underscored": 1000, "float": 2.5, "exponent": 1000.0,
            "noDot": "1e3", "yesValue": true, "offValue": false, "truth": true, "nothing": nil, "tilde": nil, "empty": nil,
            "quoted": "42", "doubleQuoted": "true", "tagged": "7", "name": "glitchtip-prod",
            "url": "https://hooks.example.com/a?b=c",
        ])
    }

    func testCollectionsAnchorsAndAliases() throws {
        let doc = try YAMLDocument.parse("""
            base: &hook
              provider: webhook
              url: https://x.example.com
            list:
            - *hook
            - {provider: email-project-members}
            - [1, two]
            """)
        XCTAssertEqual(doc["list"], [
            ["provider": "webhook", "url": "https://x.example.com"], ["provider": "email-project-members"], [1, "two"],
        ])
        XCTAssertEqual(try YAMLDocument.parse(""), .null)
        XCTAssertEqual(try YAMLDocument.parse("---\n"), .null)
    }

    func testErrorsSayWhatAndWhere() {
        XCTAssertThrowsError(try YAMLDocument.parse("a: 1\na: 2\n")) { error in
            XCTAssertEqual("\(error)", "duplicate key 'a'")
        }
        XCTAssertThrowsError(try YAMLDocument.parse("a: [1, 2\nb: 3\n")) { error in
            XCTAssertTrue("\(error)".hasPrefix("invalid YAML: "), "\(error)")
            XCTAssertTrue("\(error)".contains("(line "), "\(error)")
        }
        XCTAssertThrowsError(try YAMLDocument.parse("a: *nowhere\n")) { error in
            XCTAssertTrue("\(error)".contains("nowhere"), "\(error)")
        }
        XCTAssertThrowsError(try YAMLDocument.parse("a: 99999999999999999999\n")) { error in
            XCTAssertEqual("\(error)", "a (line 1, column 4): integer out of range: 99999999999999999999")
        }
    }
}
