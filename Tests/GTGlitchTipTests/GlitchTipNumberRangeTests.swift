import GTGlitchTip
import GTStreams
import GTTestSupport
import XCTest

/// Numbers in GlitchTip's answers (docs/rules.md, "Numbers"), in process.
final class GlitchTipNumberRangeTests: XCTestCase {
    /// GlitchTip's answer is read with the same ranges: a listing holding anything else fails
    /// (as a malformed answer does) instead of becoming a current stream gt-diff must refuse.
    func testGlitchTipAlertNumbers() throws {
        let alert: JSONValue = ["id": 7, "name": "a", "quantity": 1, "timespanMinutes": 1,
                                "alertRecipients": [["id": 8, "recipientType": "email", "url": ""]]]
        for key in ["id", "quantity", "timespanMinutes"] {
            for value in (key == "id" ? hostileIntegers.filter { $0 != .int(.max) } : hostileIntegers) + [key == "id" ? 0 : 32768] {
                assertRefused("\(key) \(value)", key) { _ = try GlitchTipDecoding.alerts([setting(alert, key, value)]) }
            }
        }
        XCTAssertEqual(try GlitchTipDecoding.alerts([setting(alert, "quantity", .null)]).first?.quantity, nil)
    }
}
