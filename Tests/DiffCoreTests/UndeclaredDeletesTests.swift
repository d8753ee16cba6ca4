import DiffCore
import Foundation
import GTStreams
import XCTest

/// Which deletes are of alerts no earlier desired state declared (docs/rules.md, "Deletes of
/// alerts no desired state declared"), and the history that remembers what was declared, in
/// process. Tests/ToolTests/HistoryTests.swift runs the real gt-diff.
final class UndeclaredDeletesTests: XCTestCase {
    private let mail = RecipientRecord(type: "email", url: "")

    private func alert(_ name: String, quantity: Int64 = 1, pk: Int64? = nil) -> AlertRecord {
        AlertRecord(name: name, timespanMinutes: 5, quantity: quantity, recipients: [mail], pk: pk)
    }

    private func project(_ name: String, _ alerts: [AlertRecord]) -> ProjectRecord {
        ProjectRecord(instance: "gt", organization: "Org", organizationSlug: "org", project: name, name: name, alerts: alerts)
    }

    private func key(_ project: String, _ name: String) -> DeclaredAlert {
        DeclaredAlert(project: ProjectKey(instance: "gt", organization: "Org", project: project), name: name)
    }

    /// The candidates of one project's plan, as gt-diff gathers them.
    private func candidates(desired: [AlertRecord], current: [AlertRecord], project name: String = "web") -> [DeclaredAlert] {
        let actions = AlertPlanner.plan(desired: project(name, desired), current: project(name, current))
        return UndeclaredDeletes.candidates(actions, desired: project(name, desired))
    }

    /// A first run (no history): every delete of a name the desired project does not declare
    /// counts, each copy of it, unnamed alerts too.
    func testAFirstRunCountsEveryDeleteOfANameTheProjectDoesNotDeclare() {
        let found = candidates(desired: [alert("declared")],
                               current: [alert("declared", pk: 1), alert("ui-made", pk: 2), alert("ui-made", pk: 3), alert("", pk: 4)])
        let undeclared = UndeclaredDeletes(found, history: DeclaredAlerts())
        XCTAssertEqual(undeclared.total, 3)
        XCTAssertEqual(undeclared.byProject.map(\.count), [3])
        XCTAssertEqual(undeclared.warnings.map(\.message),
                       ["Project 'gt/Org/web': 3 alerts to delete were declared by no earlier desired state (made in the GlitchTip UI?); "
                        + "gt-adopt writes them into App-Interface"])
        XCTAssertEqual(undeclared.warnings.first?.project, "web")
    }

    /// A second alert of a declared name is deleted, never counted: it is a duplicate.
    func testDuplicatesOfADeclaredNameAreNotCounted() {
        let found = candidates(desired: [alert("a", quantity: 2)], current: [alert("a", pk: 1), alert("a", quantity: 2, pk: 2)])
        XCTAssertEqual(found, [])
        XCTAssertEqual(UndeclaredDeletes(found, history: DeclaredAlerts()).total, 0)
        XCTAssertEqual(UndeclaredDeletes(found, history: DeclaredAlerts()).warnings, [])
    }

    /// An alert an earlier desired state declared and this one no longer does is deleted
    /// because someone removed it: not counted. Another project's same name is no excuse.
    func testAnAlertInTheHistoryIsNotCounted() {
        let found = candidates(desired: [], current: [alert("removed-from-yaml", pk: 1), alert("ui-made", pk: 2)])
        let history = DeclaredAlerts([key("web", "removed-from-yaml"), key("api", "ui-made")])
        let undeclared = UndeclaredDeletes(found, history: history)
        XCTAssertEqual(undeclared.total, 1)
        XCTAssertEqual(undeclared.warnings.map(\.message),
                       ["Project 'gt/Org/web': 1 alert to delete was declared by no earlier desired state (made in the GlitchTip UI?); "
                        + "gt-adopt writes them into App-Interface"])
    }

    /// Counts per project, in stream order.
    func testCountsArePerProjectInStreamOrder() {
        let found = candidates(desired: [], current: [alert("x", pk: 1)], project: "web")
            + candidates(desired: [], current: [alert("y", pk: 2), alert("z", pk: 3)], project: "api")
        let undeclared = UndeclaredDeletes(found, history: DeclaredAlerts())
        XCTAssertEqual(undeclared.byProject.map { "\($0.project) \($0.count)" }, ["gt/Org/api 2", "gt/Org/web 1"])
        XCTAssertEqual(undeclared.total, 3)
    }

    /// The history only grows: a key once declared stays, whatever the next desired state says.
    func testTheUnionKeepsEveryKeyOnceDeclared() throws {
        var now = DeclaredAlerts()
        now.insert(project("web", [alert("b")]))
        let earlier = DeclaredAlerts([key("web", "a")])
        let both = earlier.union(now)
        XCTAssertEqual(both.alerts, [key("web", "a"), key("web", "b")])
        XCTAssertEqual(try reread(both), both)
    }

    /// What is written reads back the same, sorted by key, with a header and an end line.
    func testTheHistoryFileIsSortedFramedAndReadsBack() throws {
        let alerts = DeclaredAlerts([key("web", "b"), key("api", "z"), key("web", "a"), key("web", "")])
        let text = String(decoding: alerts.rendered(), as: UTF8.self)
        XCTAssertEqual(text, """
            {"format":"gt-declared-alerts","kind":"header","version":1}
            {"alert":"z","instance":"gt","kind":"alert","organization":"Org","project":"api"}
            {"alert":"","instance":"gt","kind":"alert","organization":"Org","project":"web"}
            {"alert":"a","instance":"gt","kind":"alert","organization":"Org","project":"web"}
            {"alert":"b","instance":"gt","kind":"alert","organization":"Org","project":"web"}
            {"alerts":4,"kind":"end"}

            """)
        XCTAssertEqual(try reread(alerts), alerts)
    }

    /// A history that is not as gt-diff writes it is refused, naming the line.
    func testAMalformedHistoryIsRefusedNamingTheLine() throws {
        let header = #"{"format":"gt-declared-alerts","kind":"header","version":1}"#
        let a = #"{"alert":"a","instance":"gt","kind":"alert","organization":"Org","project":"web"}"#
        let b = #"{"alert":"b","instance":"gt","kind":"alert","organization":"Org","project":"web"}"#
        let end = { (n: Int) in #"{"alerts":\#(n),"kind":"end"}"# }
        let cases: [(String, Int?, String)] = [
            ("", nil, "empty: no header line"),
            ("\(a)\n", 1, "the first line must be the header"),
            (#"{"format":"gt-declared-alerts","kind":"header","version":2}"# + "\n", 1, "version 2; this gt-diff reads version 1"),
            (#"{"format":"other","kind":"header","version":1}"# + "\n", 1, "not a history of gt-diff"),
            ("\(header)\n\(a)\n", nil, "no end line: the file was cut short"),
            ("\(header)\n\(a)", 2, "line is cut off"),
            ("\(header)\n{\"alert\":\n\(end(0))\n", 2, "malformed JSON"),
            ("\(header)\n\(b)\n\(a)\n\(end(2))\n", 3, "gt/Org/web/a is out of order or repeated"),
            ("\(header)\n\(a)\n\(a)\n\(end(2))\n", 3, "out of order or repeated"),
            ("\(header)\n\(a)\n\(end(2))\n", 3, "the end line counts 2 alerts, the file holds 1"),
            ("\(header)\n\(end(0))\n\(a)\n", 3, "data after the end line (line 2)"),
            ("\(header)\n{\"alert\":\"a\",\"instance\":\"\",\"kind\":\"alert\",\"organization\":\"O\",\"project\":\"p\"}\n", 2,
             "instance: must not be empty"),
            ("\(header)\n{\"alert\":1,\"instance\":\"i\",\"kind\":\"alert\",\"organization\":\"O\",\"project\":\"p\"}\n", 2,
             "alert: expected string"),
            ("\(header)\n{\"kind\":\"project\"}\n", 2, "kind 'project' is not header, alert or end"),
            ("\(header)\n[1]\n", 2, "expected a JSON object"),
            ("\(header)\n{\"alerts\":1e17,\"kind\":\"end\"}\n", 2, "alerts: expected integer"),
        ]
        for (text, line, message) in cases {
            XCTAssertThrowsError(try read(text), text) { error in
                guard let error = error as? HistoryError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.line, line, "\(text): \(error)")
                XCTAssertTrue(error.description.contains(message), "expected '\(message)' in: \(error)")
                XCTAssertTrue(error.description.hasPrefix("history \(error.file)"), "\(error)")
            }
        }
    }

    private func read(_ text: String) throws -> DeclaredAlerts {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString)").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try DeclaredAlerts(reading: LineReader(path: path), file: path)
    }

    private func reread(_ alerts: DeclaredAlerts) throws -> DeclaredAlerts {
        try read(String(decoding: alerts.rendered(), as: UTF8.self))
    }
}
