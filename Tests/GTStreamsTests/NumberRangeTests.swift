import GTStreams
import GTTestSupport
import XCTest

/// Numbers read by the libraries (docs/rules.md, "Numbers"), in process: every record reader
/// refuses a number outside its field's range with the field named, so nothing downstream (a
/// timeout in milliseconds, a Redis expiry) can trap. GlitchTip's answers: GTGlitchTipTests;
/// the cache TTLs: GTCacheTests.
final class NumberRangeTests: XCTestCase {
    func testInstanceRecordNumbers() throws {
        let base: JSONValue = ["kind": "instance", "name": "gt", "console_url": "https://g.example.com",
                               "token": ["path": "p", "field": "f"], "read_timeout": 5, "max_retries": 1]
        for (key, outside) in [("read_timeout", [0, 3601, 10_000_000_000_000_000]), ("max_retries", [11])] {
            for value in hostileIntegers + outside.map({ JSONValue.int(Int64($0)) }) {
                assertRefused("\(key) \(value)", key) { _ = try InstanceRecord(JSONField(setting(base, key, value))) }
            }
        }
        for value in hostileIntegers + [.int(Int64(Int32.max) + 1)] {
            let token: JSONValue = ["path": "p", "field": "f", "version": value]
            assertRefused("version \(value)", "token.version") { _ = try InstanceRecord(JSONField(setting(base, "token", token))) }
        }
        let edges = try InstanceRecord(JSONField(setting(setting(base, "read_timeout", 3600), "max_retries", 0)))
        XCTAssertEqual([edges.readTimeout, edges.maxRetries], [3600, 0])
    }

    func testAlertAndActionNumbers() throws {
        let recipient: JSONValue = ["recipient_type": "email", "url": "", "pk": 8]
        let alert: JSONValue = ["name": "a", "quantity": 1, "timespan_minutes": 1, "pk": 7, "recipients": [recipient]]
        for key in ["quantity", "timespan_minutes", "pk"] {
            for value in (key == "pk" ? hostileIntegers.filter { $0 != .int(.max) } : hostileIntegers) + [key == "pk" ? 0 : 32768] {
                assertRefused("\(key) \(value)", key) { _ = try AlertRecord(JSONField(setting(alert, key, value))) }
            }
        }
        let hostilePKs = hostileIntegers.filter { $0 != .int(.max) }
        for value in hostilePKs + [0] {
            let bad = setting(alert, "recipients", [setting(recipient, "pk", value)])
            assertRefused("recipient pk \(value)", "recipients[0].pk") { _ = try AlertRecord(JSONField(bad)) }
        }
        let action: JSONValue = ["action_type": "delete", "instance": "i", "organization": "o", "project": "p",
                                 "alert_name": "a", "pk": 7, "before": alert]
        for value in hostilePKs + [0] {
            assertRefused("action pk \(value)", "pk") { _ = try ActionRecord(JSONField(setting(action, "pk", value))) }
        }
        let edges = try AlertRecord(JSONField(setting(setting(alert, "quantity", 32767), "pk", .int(.max))))
        XCTAssertEqual(edges.quantity, 32767)
        XCTAssertEqual(edges.pk, .max)
    }
}
