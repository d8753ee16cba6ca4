import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// Issue 10 item 11: what a run holds (lock files, sockets) is bounded by what is in flight,
/// not by the number of organizations and projects, so a wide fleet runs under a small
/// descriptor limit (`ulimit -n 256`; the common default is 1024).
final class DescriptorLimitTests: SimulatorTestCase {
    private var simulators: [Simulator] = []

    /// 2 instances × 60 organizations × 40 projects, cold: once a SIGILL or thousands of
    /// "Too many open files" error records.
    func testGtCurrentOnAWideFleetUnderADescriptorLimit() async throws {
        let directory = scratchDirectory()
        simulators = [try startSimulator(), try startSimulator()]
        let generate = try Tools.run("/usr/bin/env", [
            "python3", "scripts/lib/gen_fleet.py", directory.path, "--instances", "2", "--orgs", "60",
            "--projects", "40", "--alerts", "1", "--ports", simulators.map { String($0.port) }.joined(separator: ","),
        ])
        XCTAssertEqual(generate.status, 0, generate.stderr)
        for (index, simulator) in simulators.enumerated() {
            let state = try String(contentsOf: directory.appendingPathComponent("sim-state-gt-0\(index).json"), encoding: .utf8)
            try await simulator.load(try JSONValue(parsing: state))
        }
        let data = directory.appendingPathComponent("app-interface").path
        let environment = ["GT_SECRETS_FILE": directory.appendingPathComponent("secrets.json").path,
                           "GT_CACHE_DIR": directory.appendingPathComponent("cache").path]
        let command = "ulimit -n 256; exec gt-current --data '\(data)' --quiet"

        let cold = try Tools.shell(command, environment: environment)
        XCTAssertEqual(cold.status, 0, String(cold.stderr.prefix(2000)))
        let body = try cold.body()
        XCTAssertEqual(body.filter { $0["kind"] == "error" }.count, 0, String(cold.stdout.suffix(1000)))
        let projects = body.filter { $0["kind"] == "project" }
        XCTAssertEqual(projects.count, 2 * 60 * 40)
        XCTAssertTrue(projects.allSatisfy { $0["alerts"]?.arrayValue?.count == 1 })
        XCTAssertEqual(try cold.trailer()?["complete"], true)

        // The entries written under the limit are whole: a warm run gives the same stream.
        let warm = try Tools.shell(command, environment: environment)
        XCTAssertEqual(warm.status, 0, String(warm.stderr.prefix(2000)))
        XCTAssertEqual(warm.streamWithoutTrailer, cold.streamWithoutTrailer)
    }

    /// gt-apply with a thousand projects to change, under the same limit: one task per project,
    /// each waiting for a transfer slot, must not hold a descriptor while it waits.
    func testGtApplyWithManyProjectsUnderADescriptorLimit() async throws {
        var made = try await Fleet.make(for: self, organizations: 10, projects: 100, alerts: 1)
        guard case .object(var root) = made.state, case .array(let organizations)? = root["organizations"] else {
            return XCTFail("fleet state shape")
        }
        root["organizations"] = .array(organizations.map { organization in
            guard case .object(var org) = organization, case .array(let projects)? = org["projects"] else { return organization }
            org["projects"] = .array(projects.map { project in
                guard case .object(var fields) = project else { return project }
                fields["alerts"] = []
                return .object(fields)
            })
            return .object(org)
        })
        made.state = .object(root)
        try await made.sim.load(made.state)
        let d = made.dataDirectory
        let plan = made.directory.appendingPathComponent("plan.ndjson").path
        let planned = try Tools.shell("gt-desired --data '\(d)' | gt-diff --format ndjson <(gt-current --data '\(d)' --quiet) > '\(plan)'",
                                      environment: made.environment)
        XCTAssertEqual(planned.status, 0, planned.stderr)

        let applied = try Tools.shell("ulimit -n 256; exec gt-apply --no-dry-run --format ndjson < '\(plan)'",
                                      environment: made.environment)
        XCTAssertEqual(applied.status, 0, String(applied.stderr.prefix(2000)))
        let summary = try XCTUnwrap(try summary(applied))
        XCTAssertEqual(summary["status"], "success")
        XCTAssertEqual(summary["applied_count"], 1000)

        // And it converged: the next plan is empty.
        let next = try Tools.shell("gt-desired --data '\(d)' | gt-diff --format ndjson <(gt-current --data '\(d)' --quiet --refresh)",
                                   environment: made.environment)
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertEqual(try next.body().filter { $0["kind"] == "action" }.count, 0)
    }
}
