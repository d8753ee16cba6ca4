import GTStreams
import ServeCore
import XCTest

/// A request read as the reference's models read it: its defaults, the slug, and every failure
/// as a FastAPI detail (`loc`, `msg`, `type`), all of them in one answer.
final class RequestValidationTests: XCTestCase {
    private typealias S = ValidationDetail.Step

    private func details(_ body: JSONValue) async -> [ValidationDetail] {
        await Body.parse(body).refusal?.details ?? []
    }

    private func expect(_ body: JSONValue, _ expected: [ValidationDetail], file: StaticString = #filePath, line: UInt = #line) async {
        let found = await details(body)
        XCTAssertEqual(found, expected, file: file, line: line)
    }

    private func one(_ alert: JSONValue) -> JSONValue {
        Body.request([Body.instance(url: "https://glitchtip.example.com",
                                    organizations: [Body.organization("my-org", [Body.project("p", [alert])])])])
    }

    private let alertLoc: [S] = [.key("body"), .key("instances"), .index(0), .key("organizations"), .index(0),
                                 .key("projects"), .index(0), .key("alerts"), .index(0)]

    func testDefaultsAndTheSlug() async throws {
        let body: JSONValue = ["instances": [[
            "name": "i", "console_url": "https://glitchtip.example.com",
            "token": ["secret_manager_url": "https://vault.example.com", "path": "p", "field": "token"],
            "organizations": [["name": "o", "projects": [
                ["name": "My Project Name", "alerts": [["name": "a", "timespan_minutes": 1, "quantity": 1]]],
                ["name": "Kept", "slug": "explicit-slug"],
                ["name": "Ünïcode Name_x!", "slug": ""],
                ["name": "Null Slug", "slug": nil],
            ]]],
        ]]]
        let parsed = await Body.parse(body)
        let request = try XCTUnwrap(parsed.value, "\(parsed)")
        XCTAssertTrue(request.dryRun, "dry_run defaults to true")
        let instance = request.instances[0]
        XCTAssertEqual([instance.readTimeout, instance.maxRetries], [30, 3])
        XCTAssertNil(instance.token.ref.version)
        XCTAssertEqual(instance.organizations[0].projects.map(\.slug), ["my-project-name", "explicit-slug", "ünïcode-name_x", "null-slug"])
        XCTAssertEqual(instance.organizations[0].projects[1].alerts, [], "alerts default to []")
        XCTAssertEqual(instance.organizations[0].projects[0].alerts[0].recipients, [], "recipients default to []")

        let bare: JSONValue = ["instances": [["name": "i", "console_url": "https://g.example.com",
                                              "token": ["secret_manager_url": "u", "path": "p", "field": "f"]]]]
        let parsedBare = await Body.parse(bare).value
        XCTAssertEqual(try XCTUnwrap(parsedBare).instances[0].organizations, [], "organizations default to []")
    }

    /// App-Interface's reading of the two numbers: 0 and null mean the default, as absent does.
    func testReadTimeoutAndMaxRetriesAsAppInterfaceReadsThem() async throws {
        for (timeout, retries) in [(JSONValue.int(0), JSONValue.int(0)), (.null, .null)] {
            var instance = Body.instance(url: "https://g.example.com", organizations: [])
            if case .object(var fields) = instance {
                fields["read_timeout"] = timeout
                fields["max_retries"] = retries
                instance = .object(fields)
            }
            let parsed = await Body.parse(Body.request([instance]))
            let request = try XCTUnwrap(parsed.value, "\(parsed)")
            XCTAssertEqual([request.instances[0].readTimeout, request.instances[0].maxRetries], [30, 3])
        }
    }

    func testTheBridgeAlertNameIsAccepted() async throws {
        let body = one(Body.alert("Glitchtip-Jira-Bridge-Integration", timespan: 1, quantity: 1,
                                  recipients: [("webhook", "https://gjb.example.com/alert/PROJ?labels=x")]))
        let parsed = await Body.parse(body)
        let request = try XCTUnwrap(parsed.value, "\(parsed)")
        XCTAssertEqual(request.instances[0].organizations[0].projects[0].alerts[0].name, "Glitchtip-Jira-Bridge-Integration")
    }

    /// pydantic's default: fields the model does not know are ignored.
    func testUnknownFieldsAreIgnored() async throws {
        var body = one(Body.alert("a"))
        if case .object(var fields) = body {
            fields["desired_state"] = ["x": 1]
            fields["extra"] = "ignored"
            body = .object(fields)
        }
        let parsed = await Body.parse(body)
        XCTAssertNotNil(parsed.value, "\(parsed)")
    }

    func testWrongTypesAndMissingFieldsAreEachADetail() async throws {
        let body: JSONValue = ["dry_run": "yes", "instances": [
            ["console_url": 7, "token": "not a secret", "read_timeout": "30", "max_retries": 1.5,
             "organizations": [["name": "", "projects": "none"], 3]],
        ]]
        let found = await details(body)
        let instance: [S] = [.key("body"), .key("instances"), .index(0)]
        XCTAssertEqual(found, [
            ValidationDetail(loc: [.key("body"), .key("dry_run")], msg: "Input should be a valid boolean", type: "bool_type"),
            ValidationDetail(loc: instance + [.key("name")], msg: "Field required", type: "missing"),
            ValidationDetail(loc: instance + [.key("console_url")], msg: "Input should be a valid string", type: "string_type"),
            ValidationDetail(loc: instance + [.key("token")], msg: "Input should be a valid dictionary or instance of Secret",
                             type: "model_type"),
            ValidationDetail(loc: instance + [.key("read_timeout")], msg: "Input should be a valid integer", type: "int_type"),
            ValidationDetail(loc: instance + [.key("max_retries")],
                             msg: "Input should be a valid integer, got a number with a fractional part", type: "int_from_float"),
            ValidationDetail(loc: instance + [.key("organizations"), .index(0), .key("name")],
                             msg: "String should have at least 1 character", type: "string_too_short"),
            ValidationDetail(loc: instance + [.key("organizations"), .index(0), .key("projects")],
                             msg: "Input should be a valid list", type: "list_type"),
            ValidationDetail(loc: instance + [.key("organizations"), .index(1)],
                             msg: "Input should be a valid dictionary or instance of GlitchtipOrganization", type: "model_type"),
        ])
        await expect(["dry_run": false],
                       [ValidationDetail(loc: [.key("body"), .key("instances")], msg: "Field required", type: "missing")])
        await expect([1, 2], [ValidationDetail(
            loc: [.key("body")], msg: "Input should be a valid dictionary or instance of GlitchtipProjectAlertsReconcileRequest",
            type: "model_type")])
    }

    /// jansson quotes where it stopped; that text may be a webhook URL's secret path.
    func testAJSONErrorQuotesNothingOfTheBody() async throws {
        let text = #"{"instances": [{"recipients": [{"url": plantedhookpath}]}]}"#
        let found = await ReconcileRequest.parse(Array(text.utf8)).refusal?.details ?? []
        XCTAssertEqual(found.map(\.type), ["json_invalid"])
        XCTAssertTrue(found.first?.msg.hasPrefix("JSON decode error: ") ?? false, "\(found)")
        XCTAssertFalse(found.description.contains("plantedhookpath"), found.description)
    }

    func testABodyThatIsNotJSON() async throws {
        for text in ["", "{", #"{"instances": [], "instances": []}"#, #"{"instances": [], "dry_run": NaN}"#] {
            let found = await ReconcileRequest.parse(Array(text.utf8)).refusal?.details ?? []
            XCTAssertEqual(found.map(\.type), ["json_invalid"], text)
            XCTAssertEqual(found.first?.loc.first, .key("body"), text)
        }
    }

    func testRecipientsAsTheReferenceChecksThem() async throws {
        let body = one(Body.alert("a", recipients: [("webhook", ""), ("email", "https://x.example.com"), ("slack", "u")]))
        await expect(body, [
            ValidationDetail(loc: alertLoc + [.key("recipients"), .index(0)],
                             msg: "Value error, url must be set for webhook recipients", type: "value_error"),
            ValidationDetail(loc: alertLoc + [.key("recipients"), .index(1)],
                             msg: "Value error, url must be empty for email recipients", type: "value_error"),
            ValidationDetail(loc: alertLoc + [.key("recipients"), .index(2), .key("recipient_type")],
                             msg: "Input should be 'email' or 'webhook'", type: "enum"),
        ])
        let nullURL: JSONValue = ["name": "a", "timespan_minutes": 1, "quantity": 1,
                                  "recipients": [["recipient_type": "webhook", "url": nil], ["url": ""]]]
        await expect(one(nullURL), [
            ValidationDetail(loc: alertLoc + [.key("recipients"), .index(0), .key("url")], msg: "Input should be a valid string",
                             type: "string_type"),
            ValidationDetail(loc: alertLoc + [.key("recipients"), .index(1), .key("recipient_type")], msg: "Field required",
                             type: "missing"),
        ])
    }

    func testADuplicateAlertNameWithinAProject() async throws {
        let body = Body.request([Body.instance(url: "https://glitchtip.example.com", organizations: [
            Body.organization("my-org", [Body.project("p", [Body.alert("a"), Body.alert("a", quantity: 3)])]),
        ])])
        await expect(body, [ValidationDetail(
            loc: [.key("body"), .key("instances"), .index(0), .key("organizations"), .index(0), .key("projects"), .index(0),
                  .key("alerts"), .index(1), .key("name")],
            msg: "Value error, alert name 'a' is used twice in this project", type: "value_error")])
    }

    /// The ranges gt reads these numbers with (docs/rules.md, "Numbers").
    func testNumbersOutOfRange() async throws {
        await expect(one(Body.alert("a", timespan: 0, quantity: 32768)), [
            ValidationDetail(loc: alertLoc + [.key("timespan_minutes")], msg: "Input should be greater than or equal to 1",
                             type: "greater_than_equal"),
            ValidationDetail(loc: alertLoc + [.key("quantity")], msg: "Input should be less than or equal to 32767",
                             type: "less_than_equal"),
        ])
        let instance: [S] = [.key("body"), .key("instances"), .index(0)]
        await expect(Body.request([Body.instance(url: "https://g.example.com", organizations: [],
                                                                 readTimeout: 3601, maxRetries: -1)]), [
            ValidationDetail(loc: instance + [.key("read_timeout")], msg: "Input should be less than or equal to 3600",
                             type: "less_than_equal"),
            ValidationDetail(loc: instance + [.key("max_retries")], msg: "Input should be greater than or equal to 0",
                             type: "greater_than_equal"),
        ])
        // Past 64 bits, NaN and infinity are not JSON at all.
        let huge = #"{"instances": [{"name": "i", "console_url": "u", "token": {}, "read_timeout": 100000000000000000000}]}"#
        let hugeRefused = await ReconcileRequest.parse(Array(huge.utf8)).refusal
        XCTAssertEqual(hugeRefused?.details.map(\.type), ["json_invalid"])
        var real = one(Body.alert("a"))
        if case .object(var fields) = real, case .array(var instances) = fields["instances"], case .object(var first) = instances[0] {
            first["read_timeout"] = .double(1e17)
            instances[0] = .object(first)
            fields["instances"] = .array(instances)
            real = .object(fields)
        }
        let realRefused = await details(real)
        XCTAssertEqual(realRefused.map(\.type), ["int_type"])
    }

    /// The token: a secret manager URL, a path and a field (gt reads a token from one field).
    func testTheTokenReference() async throws {
        let token: [S] = [.key("body"), .key("instances"), .index(0), .key("token")]
        let body: JSONValue = ["instances": [["name": "i", "console_url": "https://g.example.com",
                                              "token": ["path": "", "field": nil, "version": -1]]]]
        await expect(body, [
            ValidationDetail(loc: token + [.key("secret_manager_url")], msg: "Field required", type: "missing"),
            ValidationDetail(loc: token + [.key("path")], msg: "String should have at least 1 character", type: "string_too_short"),
            ValidationDetail(loc: token + [.key("field")],
                             msg: "Value error, gt reads an instance's token from one field of its secret: set field", type: "value_error"),
            ValidationDetail(loc: token + [.key("version")], msg: "Input should be greater than or equal to 0",
                             type: "greater_than_equal"),
        ])
    }

    /// A console URL gt would not send a token to, as an instance datafile's is refused.
    func testAConsoleURLWithAPassword() async throws {
        let found = await details(Body.request([Body.instance(url: "https://user:planted-password@g.example.com", organizations: [])]))
        XCTAssertEqual(found.map(\.loc), [[.key("body"), .key("instances"), .index(0), .key("console_url")]])
        XCTAssertEqual(found.map(\.type), ["value_error"])
        XCTAssertFalse(found.description.contains("planted-password"), found.description)
    }
}
