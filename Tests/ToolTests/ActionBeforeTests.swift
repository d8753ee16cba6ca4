import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest

/// gt-apply's stale check finds the alert by the action's `pk` and compares it with `before`.
/// An update or delete without `before` (or with a `before` of another pk, or an `after` of
/// another name) would act on whatever holds that pk now: the reader refuses it, naming the
/// line, and nothing is applied (docs/streams.md, "What an action must carry").
final class ActionBeforeTests: SimulatorTestCase {
    private var scenario: Scenario!

    func testAnActionWithoutWhatTheStaleCheckNeedsIsRefused() async throws {
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "a", quantity: 2)]],
                                           current: ["web": [SimState.alert("a", quantity: 1), SimState.alert("b")]])
        let d = scenario.dataDirectory
        let planned = try Tools.shell("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet)",
                                      environment: scenario.environment)
        XCTAssertEqual(planned.status, 0, planned.stderr)
        let plan = planned.stdout.split(separator: "\n").map(String.init)
        let header = plan[0], trailer = plan[plan.count - 1]
        let instance = try XCTUnwrap(plan.first { $0.contains(#""kind":"instance""#) })
        func action(_ type: String) throws -> JSONValue {
            try XCTUnwrap(planned.body().first { $0["action_type"]?.stringValue == type })
        }

        // Since the plan, someone renamed both alerts in the UI (same pks).
        let held = try await scenario.alerts("web")
        try await scenario.setCurrent(["web": held.map { alert in
            guard case .object(var fields) = alert else { return alert }
            fields["name"] = .string(fields["name"] == "a" ? "renamed-a" : "important")
            return .object(fields)
        }])

        func edited(_ value: JSONValue, _ edit: (inout [String: JSONValue]) -> Void) -> String {
            guard case .object(var fields) = value else { return value.serialized() }
            edit(&fields)
            return JSONValue.object(fields).serialized()
        }
        let delete = try action("delete"), update = try action("update")
        let cases: [(String, String)] = [
            (edited(delete) { $0["before"] = nil }, "before: a delete needs the alert as planned (before)"),
            (edited(update) { $0["before"] = nil }, "before: an update needs the alert as planned (before)"),
            (edited(delete) { fields in
                if case .object(var before)? = fields["before"] { before["pk"] = 999; fields["before"] = .object(before) }
            }, "before.pk: 999 is not the action's pk"),
            (edited(update) { fields in
                if case .object(var after)? = fields["after"] { after["name"] = "other"; fields["after"] = .object(after) }
            }, "after.name: 'other' is not the action's alert_name 'a'"),
        ]
        try await scenario.sim.clearRequests()
        for (index, (line, message)) in cases.enumerated() {
            let path = scenario.directory.appendingPathComponent("plan-\(index).ndjson").path
            try ([header, instance, line, trailer].joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let result = try Tools.shell("gt-apply --no-dry-run < '\(path)'", environment: scenario.environment)
            XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
            XCTAssertTrue(result.stderr.contains("actions stream, line 3: \(message)"), result.stderr)
            XCTAssertTrue(result.stderr.contains("nothing applied"), result.stderr)
            XCTAssertEqual(try result.trailer()?["complete"], false)
            let mutations = try await scenario.mutations()
            XCTAssertEqual(mutations.count, 0, "acted on an alert renamed since the plan: case \(index)")
        }
        let names = try await scenario.alerts("web").compactMap { $0["name"]?.stringValue }
        XCTAssertEqual(Set(names), ["renamed-a", "important"])

        // A clean run converges: the renamed alerts are not declared, `a` is created.
        XCTAssertEqual(try scenario.pipeline(apply: true).status, 0)
        XCTAssertEqual(try scenario.plan(), [])
    }
}
