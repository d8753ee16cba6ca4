import GTStreams
import GTGlitchTip
import XCTest
import GTCache

/// Numbers read by the libraries (docs/rules.md, "Numbers"), in process: every record reader,
/// GlitchTip's answers and the cache TTLs refuse a number outside its field's range with the
/// field named, so nothing downstream (a timeout in milliseconds, a Redis expiry) can trap.
final class NumberRangeTests: XCTestCase {
    /// JSON values no integer field may hold (2^63 and NaN never parse: see StreamNumberTests).
    private let hostile: [JSONValue] = [.double(1e17), -1, .double(1.5), "10", .double(.infinity), .double(.nan),
                                        .int(.max), .int(.min), .array([]), .bool(true)]

    private func assertRefused(_ label: String, _ field: String, _ read: () throws -> Void, line: UInt = #line) {
        XCTAssertThrowsError(try read(), label, line: line) { error in
            XCTAssertTrue("\(error)".contains(field), "\(label): \(error)", line: line)
        }
    }

    private func with(_ base: JSONValue, _ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var fields) = base else { return base }
        fields[key] = value
        return .object(fields)
    }

    func testInstanceRecordNumbers() throws {
        let base: JSONValue = ["kind": "instance", "name": "gt", "console_url": "https://g.example.com",
                               "token": ["path": "p", "field": "f"], "read_timeout": 5, "max_retries": 1]
        for (key, outside) in [("read_timeout", [0, 3601, 10_000_000_000_000_000]), ("max_retries", [11])] {
            for value in hostile + outside.map({ JSONValue.int(Int64($0)) }) {
                assertRefused("\(key) \(value)", key) { _ = try InstanceRecord(JSONField(with(base, key, value))) }
            }
        }
        for value in hostile + [.int(Int64(Int32.max) + 1)] {
            let token: JSONValue = ["path": "p", "field": "f", "version": value]
            assertRefused("version \(value)", "token.version") { _ = try InstanceRecord(JSONField(with(base, "token", token))) }
        }
        let edges = try InstanceRecord(JSONField(with(with(base, "read_timeout", 3600), "max_retries", 0)))
        XCTAssertEqual([edges.readTimeout, edges.maxRetries], [3600, 0])
    }

    func testAlertAndActionNumbers() throws {
        let recipient: JSONValue = ["recipient_type": "email", "url": "", "pk": 8]
        let alert: JSONValue = ["name": "a", "quantity": 1, "timespan_minutes": 1, "pk": 7, "recipients": [recipient]]
        for key in ["quantity", "timespan_minutes", "pk"] {
            for value in (key == "pk" ? hostile.filter { $0 != .int(.max) } : hostile) + [key == "pk" ? 0 : 32768] {
                assertRefused("\(key) \(value)", key) { _ = try AlertRecord(JSONField(with(alert, key, value))) }
            }
        }
        let hostilePKs = hostile.filter { $0 != .int(.max) }
        for value in hostilePKs + [0] {
            let bad = with(alert, "recipients", [with(recipient, "pk", value)])
            assertRefused("recipient pk \(value)", "recipients[0].pk") { _ = try AlertRecord(JSONField(bad)) }
        }
        let action: JSONValue = ["action_type": "delete", "instance": "i", "organization": "o", "project": "p",
                                 "alert_name": "a", "pk": 7, "before": alert]
        for value in hostilePKs + [0] {
            assertRefused("action pk \(value)", "pk") { _ = try ActionRecord(JSONField(with(action, "pk", value))) }
        }
        let edges = try AlertRecord(JSONField(with(with(alert, "quantity", 32767), "pk", .int(.max))))
        XCTAssertEqual(edges.quantity, 32767)
        XCTAssertEqual(edges.pk, .max)
    }

    /// GlitchTip's answer is read with the same ranges: a listing holding anything else fails
    /// (as a malformed answer does) instead of becoming a current stream gt-diff must refuse.
    func testGlitchTipAlertNumbers() throws {
        let alert: JSONValue = ["id": 7, "name": "a", "quantity": 1, "timespanMinutes": 1,
                                "alertRecipients": [["id": 8, "recipientType": "email", "url": ""]]]
        for key in ["id", "quantity", "timespanMinutes"] {
            for value in (key == "id" ? hostile.filter { $0 != .int(.max) } : hostile) + [key == "id" ? 0 : 32768] {
                assertRefused("\(key) \(value)", key) { _ = try GlitchTipDecoding.alerts([with(alert, key, value)]) }
            }
        }
        XCTAssertEqual(try GlitchTipDecoding.alerts([with(alert, "quantity", .null)]).first?.quantity, nil)
    }

    func testCacheTTLsFromTheEnvironment() throws {
        let variable = "QAPI_GLITCHTIP_ALERTS_CACHE_TTL"
        for text in ["inf", "-inf", "nan", "1e17", "100000000000000000", "-1", "1.5", "0x10", "2592001",
                     "9223372036854775808", "-9223372036854775809", " 60", "60 ", "+60", "٦٠"] {
            XCTAssertThrowsError(try CacheTTLs.fromEnvironment([variable: text]), text) { error in
                XCTAssertTrue("\(error)".hasPrefix("\(variable)="), "\(error)")
            }
        }
        XCTAssertEqual(try CacheTTLs.fromEnvironment([variable: "2592000"]).alerts, 2_592_000)
        XCTAssertEqual(try CacheTTLs.fromEnvironment([variable: "0"]).alerts, 0)
        XCTAssertEqual(try CacheTTLs.fromEnvironment([:]), CacheTTLs())
    }
}
