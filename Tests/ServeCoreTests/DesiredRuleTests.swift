import DesiredCore
import GTStreams
import ServeCore
import XCTest

/// A request the model accepts still goes through every rule gt-desired and gt-diff apply to
/// the same desired state, refused with their messages at the place the rule names.
final class DesiredRuleTests: XCTestCase {
    private typealias S = ValidationDetail.Step
    private let url = "https://glitchtip.example.com"

    private func details(_ body: JSONValue) async -> [ValidationDetail] {
        await Body.parse(body).refusal?.details ?? []
    }

    private func expect(_ body: JSONValue, _ expected: [ValidationDetail], file: StaticString = #filePath, line: UInt = #line) async {
        let found = await details(body)
        XCTAssertEqual(found, expected, file: file, line: line)
    }

    private func project(_ alerts: [JSONValue]) -> JSONValue {
        Body.request([Body.instance(url: url, organizations: [Body.organization("my-org", [Body.project("p", alerts)])])])
    }

    private let projectLoc: [S] = [.key("body"), .key("instances"), .index(0), .key("organizations"), .index(0),
                                   .key("projects"), .index(0)]

    func testAWebhookURLTwiceInAProject() async throws {
        let hook = ("webhook", "https://hooks.example.com/planted-hook-path")
        let found = await details(project([Body.alert("a", recipients: [hook]), Body.alert("b", recipients: [hook])]))
        XCTAssertEqual(found, [ValidationDetail(
            loc: projectLoc, msg: "Value error, project 'p', alert 'b': \(DesiredProjectBuilder.uniqueWebhookMessage)", type: "value_error")])
    }

    /// The URL is not quoted: it may hold a secret (docs/streams.md, "Redaction").
    func testAWebhookURLGlitchTipWouldStoreOtherwise() async throws {
        let found = await details(project([Body.alert("a", recipients: [("webhook", "https://[::1]/hook/planted-hook-path")])]))
        XCTAssertEqual(found.map(\.loc), [projectLoc + [.key("alerts"), .index(0)]])
        XCTAssertTrue(found.first?.msg.hasPrefix("Value error, project 'p', alert 'a': a webhook URL (") ?? false, "\(found)")
        XCTAssertTrue(found.first?.msg.contains("cannot be used") ?? false, "\(found)")
        XCTAssertFalse(found.description.contains("planted-hook-path"), found.description)

        let long = "https://hooks.example.com/" + String(repeating: "a", count: 1990)
        let tooLong = await details(project([Body.alert("a", recipients: [("webhook", long)])]))
        XCTAssertEqual(tooLong.map(\.loc), [projectLoc + [.key("alerts"), .index(0)]])
        XCTAssertTrue(tooLong.first?.msg.contains("GlitchTip stores at most 2000") ?? false, "\(tooLong)")
    }

    /// A URL in another spelling of GlitchTip's form is written in that form, as gt-desired writes it.
    func testAWebhookURLIsWrittenAsGlitchTipStoresIt() async throws {
        let parsed = await Body.parse(project([Body.alert("a", recipients: [("webhook", "HTTPS://Hooks.Example.com/x")])]))
        let built = try await XCTUnwrap(parsed.value, "\(parsed)").desiredRecords()
        let records = try XCTUnwrap(built.value)
        let json = try JSONValue(parsing: records.projects[0].bytes)
        XCTAssertEqual(json["alerts"]?.arrayValue?.first?["recipients"]?.arrayValue?.first?["url"], "https://hooks.example.com/x")
    }

    func testAnInstanceOrAProjectDeclaredTwice() async throws {
        let twice = Body.request([Body.instance("i", url: url, organizations: []), Body.instance("i", url: url, organizations: [])])
        await expect(twice, [ValidationDetail(loc: [.key("body"), .key("instances"), .index(1)],
                                                               msg: "Value error, instance 'i' is declared twice", type: "value_error")])
        let projectTwice = Body.request([Body.instance(url: url, organizations: [
            Body.organization("o", [Body.project("P", [Body.alert("a")])]),
            Body.organization("o", [Body.project("other", slug: "p", [Body.alert("b")])]),
        ])])
        let second: [S] = [.key("body"), .key("instances"), .index(0), .key("organizations"), .index(1), .key("projects"), .index(0)]
        await expect(projectTwice, [ValidationDetail(
            loc: second, msg: "Value error, project 'other': test-instance/o/p is also declared in "
                + "body.instances.0.organizations.0.projects.0", type: "value_error")])
    }

    /// Organizations GlitchTip would see as one (docs/architecture.md, "Organization matching").
    func testOrganizationsThatResolveToOne() async throws {
        let body = Body.request([Body.instance(url: url, organizations: [
            Body.organization("Acme", [Body.project("api", [Body.alert("a")])]),
            Body.organization("acme", [Body.project("api", [Body.alert("b")])]),
        ])])
        let found = await details(body)
        XCTAssertEqual(found.count, 1, "\(found)")
        XCTAssertTrue(found.first?.msg.contains("organizations 'Acme' and 'acme' of instance 'test-instance' resolve to the same "
                                                + "GlitchTip organization") ?? false, "\(found)")
    }

    /// The records are gt-desired's: an instance record per instance (by name), the project
    /// records in stream order, alerts by name, recipients sorted.
    func testTheRecordsAreGtDesiredsRecords() async throws {
        let body = Body.request([
            Body.instance("b-instance", url: url, organizations: [Body.organization("o", [Body.project("z", [])])]),
            Body.instance("a-instance", url: url, organizations: [Body.organization("o", [
                Body.project("y", [Body.alert("second", recipients: [("webhook", "https://h.example.com/2"), ("email", "")]),
                                   Body.alert("first")]),
                Body.project("x", []),
            ])]),
        ])
        let parsed = await Body.parse(body)
        let built = try await XCTUnwrap(parsed.value, "\(parsed)").desiredRecords()
        let records = try XCTUnwrap(built.value)
        XCTAssertEqual(records.instances.map(\.name), ["a-instance", "b-instance"])
        XCTAssertEqual(records.instances[0].json, [
            "kind": "instance", "name": "a-instance", "console_url": .string(url), "read_timeout": 5, "max_retries": 3,
            "token": ["path": "glitchtip/creds", "field": "token", "format": "plain"],
        ])
        let projects = try records.projects.map { try JSONValue(parsing: $0.bytes) }
        XCTAssertEqual(projects.map { "\($0["instance"]!.stringValue!)/\($0["project"]!.stringValue!)" },
                       ["a-instance/x", "a-instance/y", "b-instance/z"])
        XCTAssertEqual(projects[1]["alerts"], [
            ["name": "first", "quantity": 100, "timespan_minutes": 5, "recipients": [["recipient_type": "email", "url": ""]]],
            ["name": "second", "quantity": 100, "timespan_minutes": 5,
             "recipients": [["recipient_type": "email", "url": ""], ["recipient_type": "webhook", "url": "https://h.example.com/2"]]],
        ])
    }
}
