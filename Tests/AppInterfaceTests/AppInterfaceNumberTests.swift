import AppInterface
import GTStreams
import XCTest

/// Numbers in App-Interface as the bundle and GraphQL sources carry them (JSON), read in process
/// (docs/rules.md, "Numbers"): an instance's `readTimeout` and `maxRetries`, and a YAML integer
/// past 64 bits named by its key and position.
final class AppInterfaceNumberTests: XCTestCase {
    private func instance(_ extra: [String: JSONValue]) -> JSONValue {
        var fields: [String: JSONValue] = ["name": "gt", "consoleUrl": "https://g.example.com",
                                           "automationToken": ["path": "p", "field": "f"]]
        fields.merge(extra) { $1 }
        return .object(fields)
    }

    private func read(_ instance: JSONValue) throws -> AppInterfaceModel.Instance? {
        try QontractShape.model(instances: [instance], projects: [], origin: "bundle.json").instances.first
    }

    func testInstanceNumbersOutOfRangeAreRefusedNamingTheField() throws {
        let hostile: [JSONValue] = [.int(10_000_000_000_000_000), .double(1e17), -1, .double(1.5), "10", .int(.max), .int(.min)]
        for (key, outside) in [("readTimeout", [3601]), ("maxRetries", [11])] {
            for value in hostile + outside.map({ JSONValue.int(Int64($0)) }) {
                XCTAssertThrowsError(try read(instance([key: value])), "\(key) \(value)") { error in
                    XCTAssertTrue("\(error)".contains("bundle.json"), "\(error)")
                    XCTAssertTrue("\(error)".contains(key), "\(error)")
                }
            }
        }
        let edges = try read(instance(["readTimeout": 3600, "maxRetries": 10]))
        XCTAssertEqual(edges?.readTimeout, 3600)
        XCTAssertEqual(edges?.maxRetries, 10)
        let defaults = try read(instance(["readTimeout": 0, "maxRetries": 0]))
        XCTAssertEqual(defaults?.readTimeout, 30)
        XCTAssertEqual(defaults?.maxRetries, 3)
    }

    func testAYAMLIntegerPast64BitsNamesItsKeyAndPosition() {
        for (text, expected) in [("a: 1\nreadTimeout: 9223372036854775808\n", "readTimeout (line 2, column 14): integer out of range"),
                                 ("k: [1, -9223372036854775809]\n", "k[1] (line 1, column 8): integer out of range"),
                                 ("a: {b: [{c: 0x8000000000000000}]}\n", "a.b[0].c (line 1, column 13): integer out of range"),
                                 ("9223372036854775808\n", "line 1, column 1: integer out of range")] {
            XCTAssertThrowsError(try YAMLDocument.parse(text)) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
            }
        }
    }
}
