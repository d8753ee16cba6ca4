import GTStreams
import XCTest

/// Names that make a key or an API path are never empty (docs/streams.md, "Names"): an empty
/// project slug sent gt-apply to `/api/0/projects/<org>//alerts/`, another route.
final class EmptyNameTests: XCTestCase {
    private func with(_ base: JSONValue, _ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var fields) = base else { return base }
        fields[key] = value
        return .object(fields)
    }

    private func assertRefused(_ label: String, _ field: String, line: UInt = #line, _ read: () throws -> Void) {
        XCTAssertThrowsError(try read(), label, line: line) { error in
            XCTAssertEqual("\(error)", "\(field): must not be empty", label, line: line)
        }
    }

    func testEveryRecordRefusesAnEmptyNameInItsKey() throws {
        let alert: JSONValue = ["name": "a", "quantity": 1, "timespan_minutes": 1, "pk": 7, "recipients": []]
        let project: JSONValue = ["kind": "project", "instance": "i", "organization": "o", "organization_slug": "o",
                                  "project": "p", "alerts": []]
        let action: JSONValue = ["action_type": "delete", "instance": "i", "organization": "o", "organization_slug": "o",
                                 "project": "p", "alert_name": "a", "pk": 7, "before": alert]
        let missing: JSONValue = ["kind": "missing", "instance": "i", "organization": "o", "project": "p"]
        let instance: JSONValue = ["kind": "instance", "name": "i", "console_url": "https://g.example.com",
                                   "token": ["path": "p", "field": "f"]]
        for key in ["instance", "organization", "organization_slug", "project"] {
            assertRefused("project \(key)", key) { _ = try ProjectRecord(JSONField(with(project, key, ""))) }
            assertRefused("action \(key)", key) { _ = try ActionRecord(JSONField(with(action, key, ""))) }
        }
        for key in ["instance", "organization", "project"] {
            assertRefused("missing \(key)", key) { _ = try MissingRecord(JSONField(with(missing, key, ""))) }
        }
        assertRefused("instance name", "name") { _ = try InstanceRecord(JSONField(with(instance, "name", ""))) }
        for key in ["path", "field"] {
            let token = with(["path": "p", "field": "f"], key, "")
            assertRefused("token \(key)", "token.\(key)") { _ = try InstanceRecord(JSONField(with(instance, "token", token))) }
        }
        // The same records with their names read whole.
        XCTAssertEqual(try ActionRecord(JSONField(action)).apiProjectKey.description, "i/o/p")
        XCTAssertEqual(try ProjectRecord(JSONField(project)).key.description, "i/o/p")
        XCTAssertEqual(try MissingRecord(JSONField(missing)).project, "p")
        XCTAssertEqual(try InstanceRecord(JSONField(instance)).token.path, "p")
    }
}
