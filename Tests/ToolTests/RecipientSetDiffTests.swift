import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// gt-diff, as a built binary, on hand-written streams: recipients compare as a set of
/// (type, URL) — reordered or repeated recipients plan nothing, one changed URL plans an update.
final class RecipientSetDiffTests: XCTestCase {
    private let email: JSONValue = ["recipient_type": "email", "url": ""]
    private let slack: JSONValue = ["recipient_type": "webhook", "url": "https://hooks.slack.example.com/services/T0/B0/sl4ck-s3cret"]
    private let pager: JSONValue = ["recipient_type": "webhook", "url": "https://pager.example.com/hook/p4ger-s3cret"]

    private func alert(_ recipients: [JSONValue], pk: Int64? = nil) -> JSONValue {
        var fields: [String: JSONValue] = ["name": "errors", "quantity": 10, "timespan_minutes": 5, "recipients": .array(recipients)]
        if let pk {
            fields["pk"] = .int(pk)
            fields["extra"] = ["uptime": false]
            fields["recipients"] = .array(recipients.enumerated().map { index, recipient in
                guard case .object(var r) = recipient else { return recipient }
                r["pk"] = .int(pk * 10 + Int64(index))
                return .object(r)
            })
        }
        return .object(fields)
    }

    /// A framed stream of one instance and one project with `alerts`.
    private func stream(_ kind: String, _ alerts: [JSONValue]) -> String {
        var project: [String: JSONValue] = ["kind": "project", "instance": "gt-test", "organization": "org", "project": "web",
                                            "name": "web", "alerts": .array(alerts)]
        if kind == "current" { project["organization_slug"] = "org" }
        let lines: [JSONValue] = [
            ["kind": "header", "stream": .string(kind), "version": 1, "generator": "hand-written"],
            ["kind": "instance", "name": "gt-test", "console_url": "http://127.0.0.1:9", "read_timeout": 5, "max_retries": 1,
             "token": ["path": "gt/test", "field": "token", "format": "plain"]],
            .object(project),
            ["kind": "end", "stream": .string(kind), "complete": true, "records": 2, "errors": 0],
        ]
        return lines.map { $0.serialized() }.joined(separator: "\n") + "\n"
    }

    private func diff(desired: [JSONValue], current: [JSONValue], format: String = "ndjson") throws -> ToolResult {
        let file = scratchDirectory().appendingPathComponent("current.ndjson")
        try stream("current", current).write(to: file, atomically: true, encoding: .utf8)
        return try Tools.run("gt-diff", ["--format", format, file.path], stdin: stream("desired", desired),
                             environment: ["NO_COLOR": "1"])
    }

    private func actions(_ result: ToolResult) throws -> [JSONValue] {
        try result.body().filter { $0["kind"] == "action" }
    }

    func testReorderedAndRepeatedRecipientsPlanNothing() throws {
        let result = try diff(desired: [alert([email, slack, pager])], current: [alert([pager, slack, email, slack, pager], pk: 4)])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try actions(result), [])
        XCTAssertEqual(try result.trailer()?["complete"], true)
        let text = try diff(desired: [alert([email, slack, pager])], current: [alert([pager, email, pager, slack], pk: 4)], format: "text")
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertEqual(text.stdout, "No changes.\n")
    }

    func testOneChangedWebhookURLPlansAnUpdateShowingBothURLsRedacted() throws {
        let moved: JSONValue = ["recipient_type": "webhook", "url": "https://pager2.example.com/hook/n3w-s3cret"]
        let result = try diff(desired: [alert([email, slack, moved])], current: [alert([email, slack, pager], pk: 4)])
        XCTAssertEqual(result.status, 0, result.stderr)
        let planned = try actions(result)
        XCTAssertEqual(planned.count, 1)
        XCTAssertEqual(planned.first?["action_type"], "update")
        XCTAssertEqual(planned.first?["pk"], 4)
        XCTAssertEqual(planned.first?["after"]?["recipients"]?.arrayValue?.compactMap { $0["url"]?.stringValue }.contains(
            "https://pager2.example.com/hook/n3w-s3cret"), true)

        let text = try diff(desired: [alert([email, slack, moved])], current: [alert([email, slack, pager], pk: 4)], format: "text")
        XCTAssertEqual(text.status, 0, text.stderr)
        let update = text.stdout.split(separator: "\n").first { $0.contains("~ update errors") }.map(String.init) ?? ""
        XCTAssertTrue(update.contains("pager.example.com"), text.stdout)
        XCTAssertTrue(update.contains("pager2.example.com"), text.stdout)
        XCTAssertTrue(text.stdout.hasSuffix("Plan: 0 to create, 1 to update, 0 to delete.\n"), text.stdout)
        for secret in ["p4ger-s3cret", "n3w-s3cret", "sl4ck-s3cret"] {
            XCTAssertFalse(text.stdout.contains(secret) || text.stderr.contains(secret), "\(secret) printed: \(text.stdout)")
        }
    }
}
