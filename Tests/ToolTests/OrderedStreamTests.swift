import Foundation
@testable import GTStreams
@testable import GTGlitchTip
@testable import GTCLI
import GTTestSupport
import XCTest

/// The desired and current streams are in stream order (docs/streams.md, "Order"): gt-current
/// writes in that order as it fetches (organizations and projects concurrently, a window held
/// back), gt-diff merges the two streams on it and refuses one out of order.
final class OrderedStreamTests: SimulatorTestCase {

    /// The stream read back through the reader's order check, and equal, byte for byte, to its
    /// records sorted the way gt-current sorted them when it held the whole fleet.
    private func assertInStreamOrder(_ result: ToolResult, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = scratchDirectory().appendingPathComponent("current.ndjson").path
        try result.stdout.write(toFile: path, atomically: true, encoding: .utf8)
        let reader = try StreamReader(stream: .current, lines: LineReader(path: path))
        let read = try reader.readAll().map(\.value)
        XCTAssertEqual(read.map { $0.serialized() }, RecordOrder.sorted(read).map { $0.serialized() }, file: file, line: line)
    }

    /// Six organizations of 60 projects with five alerts each (more than a held organization
    /// keeps in memory), fetched cold at a low concurrency, with the first project of each
    /// organization slow (the ones after it arrive first), an organization whose projects
    /// cannot be listed and a project whose alerts cannot.
    func testGtCurrentWritesInStreamOrderWhileFetchingConcurrently() async throws {
        let made = try await Fleet.make(for: self, organizations: 6, projects: 60, alerts: 5)
        var faults: [JSONValue] = (0..<6).map { organization in
            let first = Fleet.projectName(organization, 0)
            return ["path": .string("/api/0/projects/gt-00-org-0\(organization)/\(first)/alerts/"), "action": "delay",
                    "delay_ms": 400, "times": 0]
        }
        faults.append(["path": "/api/0/organizations/gt-00-org-03/projects/", "action": "status", "status": 403, "times": 0])
        faults.append(["path": .string("/api/0/projects/gt-00-org-01/\(Fleet.projectName(1, 7))/alerts/"), "action": "status",
                       "status": 403, "times": 0])
        try await made.sim.faults(faults)

        let cold = try made.current(["--quiet", "--concurrency", "2"])
        XCTAssertEqual(cold.status, 1, cold.stderr)  // the two error records
        try assertInStreamOrder(cold)
        let body = try cold.body()
        XCTAssertEqual(body.filter { $0["kind"] == "project" }.count, 5 * 60 - 1)
        XCTAssertEqual(body.filter { $0["kind"] == "error" }.map { $0["scope"]?["organization"]?.stringValue ?? "" },
                       ["gt-00-org-01", "gt-00-org-03"])

        // Every project of every organization (--all-projects), warm: the same order rule.
        let all = try made.current(["--quiet", "--all-projects"])
        try assertInStreamOrder(all)
    }

    private func stream(_ kind: StreamKind, _ body: [String]) -> String {
        ([#"{"generator":"test","kind":"header","stream":"\#(kind.rawValue)","version":1}"#] + body
            + [#"{"complete":true,"errors":0,"kind":"end","records":\#(body.count),"stats":{},"stream":"\#(kind.rawValue)"}"#])
            .joined(separator: "\n") + "\n"
    }

    /// A project with one alert; a current one (`pk`) as GlitchTip lists it, with the alert's pk.
    private func project(_ organization: String, _ slug: String, alert: String = "a", pk: Int? = nil) -> String {
        let key = pk.map { #""pk":\#($0),"# } ?? ""
        return #"{"alerts":[{"name":"\#(alert)",\#(key)"quantity":1,"recipients":[],"timespan_minutes":1}],"instance":"gt","kind":"project","name":"\#(slug)","organization":"\#(organization)","organization_slug":"\#(organization)","project":"\#(slug)"}"#
    }

    private func diff(desired: [String], current: [String]) throws -> ToolResult {
        let directory = scratchDirectory()
        let desiredPath = directory.appendingPathComponent("desired.ndjson").path
        let currentPath = directory.appendingPathComponent("current.ndjson").path
        try stream(.desired, desired).write(toFile: desiredPath, atomically: true, encoding: .utf8)
        try stream(.current, current).write(toFile: currentPath, atomically: true, encoding: .utf8)
        return try Tools.run("gt-diff", ["--desired", desiredPath, currentPath, "--format", "ndjson"])
    }

    func testGtDiffRefusesACurrentStreamOutOfOrderNamingTheLine() throws {
        let result = try diff(desired: [project("nasa", "api"), project("nasa", "web")],
                              current: [project("nasa", "web", alert: "b", pk: 1), project("nasa", "api", alert: "b", pk: 2)])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("line 3: project gt/nasa/api is out of order: it sorts before line 2 (gt/nasa/web)"),
                      result.stderr)
        XCTAssertEqual(try result.trailer()?["complete"], false)
        XCTAssertEqual(try result.body().filter { $0["kind"] == "action" }.count, 0)
    }

    /// The scopes of the current stream come before the projects under them, so the merge knows
    /// them in time: an organization's `error` or `missing` record keeps its desired projects
    /// from being planned or reported as absent; a project-scoped error too.
    func testGtDiffMergeKeepsErrorScopesOverTheProjectsAfterThem() throws {
        let desired = [project("esa", "a"), project("esa", "b"), project("nasa", "api"), project("nasa", "web"),
                       project("nasa-eu", "x"), project("zeta", "z")]
        let current = [
            #"{"kind":"error","message":"gt/esa: listing projects failed","scope":{"instance":"gt","organization":"esa"}}"#,
            project("nasa", "api", alert: "b", pk: 3),
            #"{"kind":"error","message":"gt/nasa/web: listing alerts failed","scope":{"instance":"gt","organization":"nasa","project":"web"}}"#,
            #"{"instance":"gt","kind":"missing","organization":"nasa-eu"}"#,
            #"{"kind":"warning","message":"Organization 'nasa-eu' not found","scope":{"instance":"gt","organization":"nasa-eu"}}"#,
            project("other", "unmanaged", alert: "b", pk: 4),
        ]
        let result = try diff(desired: desired, current: current)
        XCTAssertEqual(result.status, 1, result.stderr)  // the upstream errors pass on
        let body = try result.body()
        let actions = body.filter { $0["kind"] == "action" }
        XCTAssertEqual(actions.map { "\($0["action_type"]?.stringValue ?? "")/\($0["project"]?.stringValue ?? "")/\($0["alert_name"]?.stringValue ?? "")" },
                       ["create/api/a", "delete/api/b"])
        XCTAssertEqual(body.filter { $0["kind"] == "error" }.count, 2)
        // Only the project the current stream says nothing about is reported absent; `b`, which
        // no desired state declared, is counted (docs/rules.md, "Deletes of alerts no desired state declared").
        XCTAssertEqual(body.filter { $0["kind"] == "warning" }.compactMap { $0["message"]?.stringValue },
                       ["Organization 'nasa-eu' not found", "Project 'gt/zeta/z' is not in the current stream, skipping",
                        "Project 'gt/nasa/api': 1 alert to delete was declared by no earlier desired state (made in the GlitchTip UI?); "
                            + "gt-adopt writes them into App-Interface"])
    }
}
