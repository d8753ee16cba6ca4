import GTStreams
import XCTest

/// An `instance` record's token is a typed reference (`SecretRef`), checked when the record is
/// read, so every reader refuses a token that is not `{path, field, version?, format?}` at the
/// line it is on, before anything reaches for a secret (docs/streams.md, "instance").
final class InstanceRecordTests: XCTestCase {
    private func record(token: JSONValue) -> JSONValue {
        ["kind": "instance", "name": "gt", "console_url": "https://glitchtip.example.com", "token": token]
    }

    func testTheTokenIsReadAsAReference() throws {
        let instance = try InstanceRecord(JSONField(record(token: ["path": "gt/creds", "field": "token", "version": 2])))
        XCTAssertEqual(instance.token, SecretRef(path: "gt/creds", field: "token", version: 2))
        XCTAssertEqual(instance.json["token"], ["path": "gt/creds", "field": "token", "version": 2, "format": "plain"])
    }

    func testATokenThatIsNoReferenceIsRefused() {
        let cases: [(JSONValue, String)] = [
            ("planted-token-value", "token: expected object"),
            (["path": "gt/creds"], "token.field: missing"),
            (["path": "gt/creds", "field": "token", "value": "planted-token-value"], "value"),
            (["path": "gt/creds", "field": "token", "format": "hex"], "expected 'plain' or 'base64', got 'hex'"),
        ]
        for (token, expected) in cases {
            XCTAssertThrowsError(try InstanceRecord(JSONField(record(token: token))), "\(token)") { error in
                XCTAssertTrue("\(error)".contains(expected), "\(token): \(error)")
                XCTAssertFalse("\(error)".contains("planted-token-value"), "\(error)")
            }
        }
    }
}
