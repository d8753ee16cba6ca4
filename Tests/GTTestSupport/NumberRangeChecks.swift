import GTStreams
import XCTest

/// What the number-range tests of each layer share (docs/rules.md, "Numbers"): the values no
/// integer field may hold, and a refusal that must name the field.
extension XCTestCase {
    /// JSON values no integer field may hold (2^63 and NaN never parse: see StreamNumberTests).
    public var hostileIntegers: [JSONValue] {
        [.double(1e17), -1, .double(1.5), "10", .double(.infinity), .double(.nan), .int(.max), .int(.min), .array([]), .bool(true)]
    }

    /// Asserts that `read` throws, naming `field`.
    public func assertRefused(_ label: String, _ field: String, _ read: () throws -> Void,
                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try read(), label, file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(field), "\(label): \(error)", file: file, line: line)
        }
    }

    /// `base` (an object) with `key` set to `value`.
    public func setting(_ base: JSONValue, _ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var fields) = base else { return base }
        fields[key] = value
        return .object(fields)
    }
}
