import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// gt-diff and gt-apply end to end: the reference's vectors, convergence in every server mode,
/// drift repair. The simulator's request log and state are the witness.
final class ReconcileTests: SimulatorTestCase {
    private var scenario: Scenario!

    private func email(_ name: String, quantity: Int64 = 1000, timespan: Int64 = 1000) -> JSONValue {
        SimState.alert(name, quantity: quantity, timespan: timespan)
    }

    /// qontract-reconcile's own reconcile vectors (keep untouched, remove, add, update an alert),
    /// as a dry run and applied.
    func testReferenceKeepRemoveAddUpdate() async throws {
        let desired: [String: [DeclaredAlert]] = [
            "keep-untouched": [DeclaredAlert(name: "alert-1", quantity: 1000, timespan: 1000)],
            "remove-alert": [],
            "add-alert": [DeclaredAlert(name: "alert-1", quantity: 1000, timespan: 1000)],
            "update-alert": [DeclaredAlert(name: "alert-1", quantity: 1, timespan: 1,
                                           recipients: [("webhook", "https://example.com"), ("email-project-members", nil)])],
        ]
        let current: [String: [JSONValue]] = [
            "keep-untouched": [email("alert-1")],
            "remove-alert": [SimState.alert("alert-1", quantity: 1000, timespan: 1000, recipients: [])],
            "add-alert": [],
            "update-alert": [SimState.alert("alert-1", quantity: 1000, timespan: 1000, recipients: [("webhook", "https://example.com")])],
        ]
        scenario = try await Scenario.make(for: self, desired: desired, current: current)
        let ids = try await ["remove-alert", "update-alert"].asyncMap { try await self.scenario.alerts($0)[0]["id"]!.intValue! }

        let dry = try scenario.pipeline()
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertEqual(try summary(dry)?["applied_count"], 0)
        let none = try await scenario.mutations()
        XCTAssertEqual(none.count, 0)
        XCTAssertEqual(try summary(dry)?["actions"], [
            ["action_type": "create", "instance": "gt", "organization": "nasa", "project": "add-alert", "alert_name": "alert-1"],
            ["action_type": "delete", "instance": "gt", "organization": "nasa", "project": "remove-alert", "alert_name": "alert-1"],
            ["action_type": "update", "instance": "gt", "organization": "nasa", "project": "update-alert", "alert_name": "alert-1"],
        ])

        let applied = try scenario.pipeline(apply: true)
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertEqual(try summary(applied)?["applied_count"], 3)
        XCTAssertEqual(try summary(applied)?["status"], "success")
        let calls = try await scenario.mutations().map { "\($0["method"]!.stringValue!) \($0["path"]!.stringValue!)" }
        XCTAssertEqual(calls.sorted(), [
            "DELETE /api/0/projects/nasa/remove-alert/alerts/\(ids[0])/",
            "POST /api/0/projects/nasa/add-alert/alerts/",
            "PUT /api/0/projects/nasa/update-alert/alerts/\(ids[1])/",
        ])
        let updated = try await scenario.alerts("update-alert")
        XCTAssertEqual(updated.count, 1)
        XCTAssertEqual(updated[0]["quantity"], 1)
        XCTAssertEqual(Set(updated[0]["alertRecipients"]!.arrayValue!.map { $0["recipientType"]!.stringValue! + " " + $0["url"]!.stringValue! }),
                       ["webhook https://example.com/", "email "])
        XCTAssertEqual(try scenario.plan(), [])
    }

    /// qontract-api's service vectors: no changes, create, delete, update, unknown org, apply.
    func testServiceVectors() async throws {
        scenario = try await Scenario.make(for: self, desired: ["my-project": []], current: ["my-project": []])
        var result = try scenario.pipeline()
        XCTAssertEqual(try summary(result), ["kind": "summary", "status": "success", "actions": [], "applied_actions": [], "applied_count": 0,
                                                   "errors": []])

        try await scenario.setCurrent(["my-project": [SimState.alert("old-alert", quantity: 50, timespan: 5)]])
        XCTAssertEqual(try scenario.plan().map { "\($0.type) \($0.alertName)" }, ["delete old-alert"])

        try await scenario.setCurrent(["my-project": [SimState.alert("my-alert", quantity: 50, timespan: 5)]])
        scenario = try await Scenario.make(for: self, in: scenario.directory, desired: ["my-project": [DeclaredAlert(name: "my-alert", quantity: 100, timespan: 5)]],
                                           current: ["my-project": [SimState.alert("my-alert", quantity: 50, timespan: 5)]])
        XCTAssertEqual(try scenario.plan().map { "\($0.type) \($0.alertName)" }, ["update my-alert"])

        try await scenario.setCurrent(["my-project": []])
        result = try scenario.pipeline()
        XCTAssertEqual(try summary(result)?["actions"]?.arrayValue?.count, 1)
        XCTAssertEqual(try summary(result)?["applied_count"], 0)
        result = try scenario.pipeline(apply: true)
        XCTAssertEqual(try summary(result)?["status"], "success")
        XCTAssertEqual(try summary(result)?["applied_count"], 1)
        let posts = try await scenario.mutations().filter { $0["method"] == "POST" }
        XCTAssertEqual(posts.count, 1)

        // Unknown org: GlitchTip has no organization 'nasa': success, no actions, the warning passed on.
        try await scenario.sim.load(SimState.state([], tokens: [Scenario.token: ["org:read", "project:read"]]))
        try FileManager.default.removeItem(at: scenario.directory.appendingPathComponent("cache"))
        result = try scenario.pipeline()
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try summary(result)?["actions"], [])
        XCTAssertTrue(try result.body().contains { $0["message"] == "Organization 'nasa' not found in instance 'gt', skipping" })
    }

    func testDetailedExitCode() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
        let d = scenario.dataDirectory
        let diff = "gt-desired --data '\(d)' | gt-diff --detailed-exitcode --format ndjson <(gt-current --data '\(d)' --quiet --refresh) > /dev/null"
        XCTAssertEqual(try Tools.shell(diff, environment: scenario.environment).status, 2)  // changes
        XCTAssertEqual(try Tools.shell("gt-desired --data '\(d)' | gt-diff --format ndjson <(gt-current --data '\(d)' --quiet --refresh) > /dev/null",
                                       environment: scenario.environment).status, 0)  // without the flag
        XCTAssertEqual(try scenario.pipeline(apply: true).status, 0)
        XCTAssertEqual(try Tools.shell(diff, environment: scenario.environment).status, 0)  // nothing to do
        scenario.sim.stop()
        XCTAssertEqual(try Tools.shell(diff, environment: scenario.environment).status, 1)  // an error upstream
    }

    func testInstanceErrorFailsTheRunAndPassesTheError() async throws {
        scenario = try await Scenario.make(for: self, desired: ["my-project": [DeclaredAlert(name: "a")]], current: ["my-project": []])
        scenario.sim.stop()  // connection refused
        let result = try scenario.pipeline(apply: true)
        XCTAssertEqual(result.status, 1)
        let s = try summary(result)
        XCTAssertEqual(s?["status"], "failed")
        XCTAssertEqual(s?["actions"], [])
        let errors = s?["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(errors[0].hasPrefix("gt: listing organizations failed: \(scenario.sim.baseURL)/api/0/organizations/: "), errors[0])
        XCTAssertTrue(errors[0].contains("(curl error 7)"), errors[0])
    }

    private func assertConverges(_ simulatorArguments: [String], file: StaticString = #filePath, line: UInt = #line) async throws {
        var uptime = SimState.alert("errors", quantity: 5, timespan: 5)
        if case .object(var f) = uptime { f["uptime"] = true; uptime = .object(f) }
        scenario = try await Scenario.make(
            for: self,
            desired: ["web": [DeclaredAlert(name: "errors", quantity: 9, timespan: 5), DeclaredAlert(name: "new", quantity: 2, timespan: 3)],
                      "api": []],
            current: ["web": [uptime, SimState.alert("stray")], "api": [SimState.alert("legacy")]],
            simulatorArguments: simulatorArguments)
        XCTAssertEqual(try scenario.plan().count, 4, file: file, line: line)
        let applied = try scenario.pipeline(apply: true)
        XCTAssertEqual(applied.status, 0, applied.stderr, file: file, line: line)
        XCTAssertEqual(try summary(applied)?["applied_count"], 4, file: file, line: line)
        XCTAssertEqual(try scenario.plan(), [], file: file, line: line)
        let errors = try await scenario.alerts("web").first { $0["name"] == "errors" }
        XCTAssertEqual(errors?["quantity"], 9, file: file, line: line)
        XCTAssertEqual(errors?["uptime"], true, "uptime was reset by the PUT", file: file, line: line)
    }

    func testPlanApplyPlanConvergesOn5x() async throws { try await assertConverges([]) }
    func testPlanApplyPlanConvergesOn4xFullReplacePut() async throws { try await assertConverges(["--put-mode", "4x"]) }
    func testPlanApplyPlanConvergesOnDRF() async throws { try await assertConverges(["--dialect", "drf"]) }

    func testDriftIsRepairedInOneRun() async throws {
        let hook = "https://hooks.example.com/services/T0/B0/x"
        scenario = try await Scenario.make(
            for: self,
            desired: ["web": [DeclaredAlert(name: "errors", quantity: 3, timespan: 5,
                                            recipients: [("webhook", "HTTPS://Hooks.Example.com/services/T0/B0/x"), ("email-project-members", nil)]),
                              DeclaredAlert(name: "slow", quantity: 2, timespan: 10)]],
            current: ["web": []])
        XCTAssertEqual(try scenario.pipeline(apply: true).status, 0)
        XCTAssertEqual(try scenario.plan(), [], "an upper-case host the server normalised must not show as changed")

        // Behind the tool's back: an unnamed alert, a second 'slow', a discord recipient, a changed quantity.
        var web = try await scenario.alerts("web").map { alert -> JSONValue in
            guard case .object(var f) = alert else { return alert }
            f["id"] = nil
            if f["name"] == "errors" {
                f["quantity"] = 99
                if case .array(var recipients)? = f["alertRecipients"] {
                    recipients.append(["recipientType": "discord", "url": "https://discord.example.com/api/webhooks/9/z"])
                    f["alertRecipients"] = .array(recipients.map { r in
                        guard case .object(var rf) = r else { return r }
                        rf["id"] = nil
                        return .object(rf)
                    })
                }
            } else if case .array(let recipients)? = f["alertRecipients"] {
                f["alertRecipients"] = .array(recipients.map { r in
                    guard case .object(var rf) = r else { return r }
                    rf["id"] = nil
                    return .object(rf)
                })
            }
            return .object(f)
        }
        web.append(["name": "", "timespanMinutes": nil, "quantity": nil, "alertRecipients": []])
        web.append(SimState.alert("slow", quantity: 2, timespan: 10))
        try await scenario.setCurrent(["web": web])
        let plan = try scenario.plan()
        XCTAssertEqual(plan.map { "\($0.type) \($0.alertName)" }.sorted(), ["delete ", "delete slow", "update errors"])

        let repaired = try scenario.pipeline(apply: true)
        XCTAssertEqual(repaired.status, 0, repaired.stderr)
        XCTAssertEqual(try scenario.plan(), [])
        let now = try await scenario.alerts("web")
        XCTAssertEqual(now.map { $0["name"]!.stringValue! }.sorted(), ["errors", "slow"])
        let errors = now.first { $0["name"] == "errors" }!
        XCTAssertEqual(Set(errors["alertRecipients"]!.arrayValue!.map { $0["url"]!.stringValue! }), [hook, ""])
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
