import XCTest
@testable import GTCommon

final class JSONTests: XCTestCase {
    func testPlaceholder() throws {
        XCTAssertEqual(try JSONValue(parsing: "{\"a\":1}").serialized(), "{\"a\":1}")
    }
}
