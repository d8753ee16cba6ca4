import Foundation
import XCTest
@testable import GTStreams
@testable import GTGlitchTip
import GTTestSupport

final class JSONTests: XCTestCase {
    private func roundTrip(_ text: String) throws -> String {
        try JSONValue(parsing: text).serialized()
    }

    /// Parses each file, writes it back, parses that again: both trees and both texts agree.
    /// Returns how many files held a document; an empty file (a 204's body) must be refused.
    private func assertRoundTrips(_ files: [URL]) throws -> Int {
        var parsed = 0
        for file in files {
            let bytes = try Data(contentsOf: file)
            if bytes.isEmpty {
                XCTAssertThrowsError(try JSONValue(parsing: Array(bytes))) { error in
                    XCTAssertEqual((error as? JSONParseError)?.message, "empty input")
                }
                continue
            }
            let first = try JSONValue(parsing: Array(bytes))
            let text = first.serialized()
            let second = try JSONValue(parsing: text)
            XCTAssertEqual(first, second, file.path)
            XCTAssertEqual(second.serialized(), text, file.path)
            parsed += 1
        }
        return parsed
    }

    private func jsonFiles(under root: URL) -> [URL] {
        (FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? [])
            .filter { $0.pathExtension == "json" }
    }

    func testEveryGlitchTipAPIFixtureRoundTrips() throws {
        let files = jsonFiles(under: TestPaths.packageRoot.appendingPathComponent("Tests/Fixtures/glitchtip-api"))
        XCTAssertEqual(files.count, 10, "Tests/Fixtures/glitchtip-api not found or changed")
        XCTAssertEqual(try assertRoundTrips(files), files.count - 1)  // alert-delete.json is empty
        let edge = try JSONValue(parsing: Array(Data(contentsOf: TestPaths.packageRoot
            .appendingPathComponent("Tests/Fixtures/glitchtip-api/edge-values.json"))))
        XCTAssertEqual(edge["max"], .int(Int64.max))
        XCTAssertEqual(edge["beyond-doubles"], .int(9_007_199_254_740_993))
        XCTAssertEqual(edge["non-ascii"], "Sternwarte – Kuppel ☄ 観測所 🔭")
    }

    /// An optional extra: the reference's own canned answers, when a copy lies beside the checkout.
    func testReferenceJSONFixturesRoundTripWhenPresent() throws {
        let root = TestPaths.qontractFixtures
        guard FileManager.default.fileExists(atPath: root.path) else {
            throw XCTSkip("optional: no reference fixtures at \(root.path) (GT_SHARED_DIR)")
        }
        let files = jsonFiles(under: root)
        XCTAssertEqual(files.count, 12, "fixtures not found under \(root.path)")
        XCTAssertEqual(try assertRoundTrips(files), files.count - 1)
    }

    func testSixtyFourBitIntegersAreExact() throws {
        let text = #"{"max":9223372036854775807,"min":-9223372036854775808,"pk":9007199254740993}"#
        XCTAssertEqual(try roundTrip(text), text)
        XCTAssertEqual(try JSONValue(parsing: text)["pk"], .int(9_007_199_254_740_993))
        XCTAssertThrowsError(try JSONValue(parsing: "[9223372036854775808]")) { error in
            XCTAssertTrue("\(error)".contains("too big"), "\(error)")
        }
    }

    func testUnicodeAndEscapes() throws {
        let text = #"["é😀\n\t\"\\\/\u0000\u001f\u007f ☃"]"#
        let value = try JSONValue(parsing: text)
        XCTAssertEqual(value, .array([.string("é😀\n\t\"\\/\u{0}\u{1f}\u{7f} ☃")]))
        XCTAssertEqual(value.serialized(), "[\"é😀\\n\\t\\\"\\\\/\\u0000\\u001f\u{7f} ☃\"]")
        XCTAssertEqual(try JSONValue(parsing: value.serialized()), value)
        XCTAssertThrowsError(try JSONValue(parsing: [0x22, 0xFF, 0x22]))  // invalid UTF-8
    }

    func testFloatsAreShortestRoundTrip() throws {
        XCTAssertEqual(try roundTrip("[0.1,1e300,5e-324,2.5,-0.0,100.0]"), "[0.1,1e+300,5e-324,2.5,-0.0,100.0]")
        for text in ["0.1", "0.30000000000000004", "1.7976931348623157e308", "123456.789"] {
            let parsed = try JSONValue(parsing: "[\(text)]")
            XCTAssertEqual(try JSONValue(parsing: parsed.serialized()), parsed)
        }
    }

    func testKeysSortedByUTF8Bytes() throws {
        XCTAssertEqual(try roundTrip(#"{"b":1,"a":{"y":[],"x":{}},"é":3,"Z":4,"aa":null}"#),
                       #"{"Z":4,"a":{"x":{},"y":[]},"aa":null,"b":1,"é":3}"#)
    }

    func testMalformedInputSaysWhere() {
        XCTAssertThrowsError(try JSONValue(parsing: "{\"a\": 1,\n \"b\": }")) { error in
            let e = error as! JSONParseError
            XCTAssertEqual(e.line, 2)
            XCTAssertTrue(e.description.contains("line 2"), e.description)
        }
        XCTAssertThrowsError(try JSONValue(parsing: #"{"a":1,"a":2}"#)) { error in
            XCTAssertTrue("\(error)".contains("duplicate"), "\(error)")
        }
        XCTAssertThrowsError(try JSONValue(parsing: "{} trailing"))
    }

    func testTypedAccessorsNameTheKeyPath() throws {
        let doc = JSONField(try JSONValue(parsing: #"{"alerts":[{"quantity":1},{"quantity":2},{"quantity":"3","x":1}]}"#))
        let alerts = try doc.required("alerts").array()
        XCTAssertEqual(try alerts[1].required("quantity").int(), 2)
        XCTAssertThrowsError(try alerts[2].required("quantity").int()) { error in
            XCTAssertEqual("\(error)", "alerts[2].quantity: expected integer, got string")
        }
        XCTAssertThrowsError(try alerts[0].required("name")) { error in
            XCTAssertEqual("\(error)", "alerts[0].name: missing required field")
        }
        XCTAssertThrowsError(try alerts[2].rejectUnknownKeys(allowed: ["quantity"])) { error in
            XCTAssertEqual("\(error)", "alerts[2].x: unknown field")
        }
        XCTAssertNil(try doc.optional("absent"))
        XCTAssertThrowsError(try doc.required("alerts").object()) { error in
            XCTAssertEqual("\(error)", "alerts: expected object, got array")
        }
    }
}
