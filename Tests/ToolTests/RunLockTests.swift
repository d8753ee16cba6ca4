import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// gt-apply's run lock: runs exclude each other per instance (issue 10 item 3), every
/// --no-dry-run takes it (issue 14 item 2), and it lives only in a private directory, in files
/// it created (issue 10 item 17).
final class RunLockTests: SimulatorTestCase {
    private var simulators: [Simulator] = []

    private static let token = "run-lock-planted-token"

    /// Two instances, `prod` and `stage`, each on its own simulator, each with one project
    /// (`web-prod`, `web-stage`) that declares `alerts` alerts and holds none.
    private func twoInstances(alerts: Int) async throws -> (directory: URL, environment: [String: String]) {
        let directory = scratchDirectory()
        let data = directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        simulators = [try startSimulator(), try startSimulator()]
        let declared = (1...alerts).map {
            "- name: n\($0)\n  description: d\n  quantity: 1\n  timespanMinutes: 1\n  recipients:\n  - provider: email-project-members"
        }.joined(separator: "\n")
        for (name, simulator) in zip(["prod", "stage"], simulators) {
            let files = [
                "instance-\(name).yml": """
                    $schema: /dependencies/glitchtip-instance-1.yml
                    labels: {}
                    name: \(name)
                    description: test
                    consoleUrl: \(simulator.baseURL)
                    automationUserEmail: {path: gt/creds, field: email}
                    automationToken: {path: gt/creds, field: token}
                    readTimeout: 10
                    maxRetries: 0
                    """,
                "org-\(name).yml": """
                    $schema: /dependencies/glitchtip-organization-1.yml
                    name: \(name)-org
                    description: test
                    instance: {$ref: /instance-\(name).yml}
                    """,
                "web-\(name).yml": projectDatafile("web-\(name)", organization: "/org-\(name).yml", alerts: declared),
            ]
            for (file, text) in files { try text.write(to: data.appendingPathComponent(file), atomically: true, encoding: .utf8) }
            try await simulator.load(SimState.state([SimState.organization("\(name)-org", projects: [SimState.project("web-\(name)")])],
                                                    tokens: [Self.token: ["org:read", "project:read", "project:write", "project:admin"]]))
        }
        XCTAssertEqual(mkdir(directory.appendingPathComponent("locks").path, 0o700), 0)
        try #"{"gt/creds": {"token": "\#(Self.token)", "email": "bot@example.com"}}"#
            .write(to: directory.appendingPathComponent("secrets.json"), atomically: true, encoding: .utf8)
        return (directory, ["GT_SECRETS_FILE": directory.appendingPathComponent("secrets.json").path,
                            "GT_CACHE_DIR": directory.appendingPathComponent("cache").path,
                            "GT_LOCK_DIR": directory.appendingPathComponent("locks").path,
                            // gt-apply sends a token only to App-Interface's URL for it.
                            "GT_DATA_DIR": data.path])
    }

    private func plan(_ directory: URL, _ environment: [String: String], instance: String?, into file: String) throws {
        let d = directory.appendingPathComponent("data").path
        let only = instance.map { "--instance \($0)" } ?? ""
        let result = try Tools.shell("gt-desired --data '\(d)' \(only) | gt-diff --format ndjson <(gt-current --data '\(d)' \(only) --quiet --refresh) > '\(file)'",
                                     environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    /// Runs two gt-apply --no-dry-run at once, on two plan files; their summaries and exits.
    private func applyTogether(_ first: String, _ second: String, in directory: URL,
                               environment: [String: String]) throws -> (summaries: [JSONValue], output: String) {
        let result = try Tools.shell("""
            cd '\(directory.path)'
            gt-apply --no-dry-run --format ndjson < '\(first)' > a.out & a=$!
            gt-apply --no-dry-run --format ndjson < '\(second)' > b.out & b=$!
            wait $a; ea=$?; wait $b; eb=$?
            cat a.out b.out | grep '"kind":"summary"'; echo "exits $ea $eb"
            """, environment: environment)
        let summaries = try result.stdout.split(separator: "\n").filter { $0.hasPrefix("{") }.map { try JSONValue(parsing: String($0)) }
        return (summaries, result.stdout + result.stderr)
    }

    private func alertNames(_ simulator: Simulator, organization: String, project: String) async throws -> [String] {
        let state = try await simulator.admin(.get, "/__admin/state")
        let org = state["organizations"]?.arrayValue?.first { $0["slug"]?.stringValue == organization }
        let alerts = org?["projects"]?.arrayValue?.first { $0["slug"]?.stringValue == project }?["alerts"]?.arrayValue ?? []
        return alerts.compactMap { $0["name"]?.stringValue }.sorted()
    }

    /// A run for {prod, stage} and one for {prod} (`--instance prod`) both change prod: one of
    /// them must be skipped, and prod gets each alert once.
    func testOverlappingInstanceSetsExcludeEachOther() async throws {
        let (directory, environment) = try await twoInstances(alerts: 5)
        let all = directory.appendingPathComponent("all.ndjson").path
        let prod = directory.appendingPathComponent("prod.ndjson").path
        try plan(directory, environment, instance: nil, into: all)
        try plan(directory, environment, instance: "prod", into: prod)
        for simulator in simulators { try await simulator.config(["latency_ms": 150]) }

        let (summaries, output) = try applyTogether(all, prod, in: directory, environment: environment)
        XCTAssertTrue(output.contains("exits 0 0"), output)
        XCTAssertEqual(summaries.map { $0["status"]?.stringValue ?? "" }.sorted(), ["skipped", "success"], output)
        XCTAssertFalse(output.contains(Self.token), "a token in the output")
        XCTAssertTrue(summaries.contains { $0["reason"] == "duplicate_task" && $0["errors"] == .null }, output)
        let posts = try await simulators[0].requestLog().matching("POST")
        XCTAssertEqual(posts.count, 5, "prod was changed by both runs")
        let names = try await alertNames(simulators[0], organization: "prod-org", project: "web-prod")
        XCTAssertEqual(names, (1...5).map { "n\($0)" })

        // A clean run converges.
        for simulator in simulators { try await simulator.config(["latency_ms": 0]) }
        let rerun = directory.appendingPathComponent("rerun.ndjson").path
        try plan(directory, environment, instance: nil, into: rerun)
        let apply = try Tools.shell("gt-apply --no-dry-run --format ndjson < '\(rerun)'", environment: environment)
        XCTAssertEqual(apply.status, 0, apply.stderr)
        try plan(directory, environment, instance: nil, into: rerun)
        XCTAssertFalse(try String(contentsOfFile: rerun, encoding: .utf8).contains(#""kind":"action""#))
    }

    /// Runs on disjoint instances do not exclude each other.
    func testDisjointInstancesRunTogether() async throws {
        let (directory, environment) = try await twoInstances(alerts: 3)
        let prod = directory.appendingPathComponent("prod.ndjson").path
        let stage = directory.appendingPathComponent("stage.ndjson").path
        try plan(directory, environment, instance: "prod", into: prod)
        try plan(directory, environment, instance: "stage", into: stage)
        for simulator in simulators { try await simulator.config(["latency_ms": 150]) }
        let (summaries, output) = try applyTogether(prod, stage, in: directory, environment: environment)
        XCTAssertTrue(output.contains("exits 0 0"), output)
        XCTAssertEqual(summaries.map { $0["status"]?.stringValue ?? "" }, ["success", "success"], output)
    }

    /// Issue 14 item 2: the reference takes the lock for every non-dry run before it knows the
    /// plan, so a concurrent run with nothing to do is skipped too.
    func testAConcurrentRunWithNothingToDoIsSkipped() async throws {
        let made = try await Scenario.make(for: self, desired: ["web": (1...5).map { DeclaredAlert(name: "n\($0)") }],
                                           current: ["web": []])
        let d = made.dataDirectory
        let dir = made.directory.path
        XCTAssertEqual(try Tools.shell("gt-desired --data '\(d)' | gt-diff --format ndjson <(gt-current --data '\(d)' --quiet) > '\(dir)/plan.ndjson'",
                                       environment: made.environment).status, 0)
        try await made.sim.config(["latency_ms": 300])
        let result = try Tools.shell("""
            cd '\(dir)'
            grep -v '"kind":"action"' plan.ndjson > empty.ndjson
            gt-apply --no-dry-run --format ndjson < plan.ndjson > full.out & full=$!
            # Once the first run holds the lock (its pid is in the file), the empty one starts.
            for _ in $(seq 600); do [ -s apply-gt.lock ] && break; sleep 0.05; done
            gt-apply --no-dry-run --format ndjson < empty.ndjson > empty.out; ee=$?
            wait $full; ef=$?
            grep '"kind":"summary"' empty.out full.out; echo "exits $ee $ef"
            """, environment: made.environment)
        XCTAssertTrue(result.stdout.contains("exits 0 0"), result.stdout + result.stderr)
        let lines = result.stdout.split(separator: "\n")
        let empty = try XCTUnwrap(lines.first { $0.hasPrefix("empty.out:") }.map { try JSONValue(parsing: String($0.dropFirst(10))) })
        let full = try XCTUnwrap(lines.first { $0.hasPrefix("full.out:") }.map { try JSONValue(parsing: String($0.dropFirst(9))) })
        XCTAssertEqual(empty["status"], "skipped", result.stdout)
        XCTAssertEqual(empty["reason"], "duplicate_task")
        XCTAssertEqual(full["status"], "success", result.stdout)
        XCTAssertEqual(full["applied_count"], 5)
        // Alone, the same empty run succeeds.
        let alone = try Tools.shell("gt-apply --no-dry-run --format ndjson < '\(dir)/empty.ndjson'", environment: made.environment)
        XCTAssertEqual(alone.status, 0, alone.stderr)
        XCTAssertEqual(try summary(alone)?["status"], "success")
    }

    /// A plan of one create, and a scenario to apply it to.
    private func oneCreate() async throws -> (Scenario, String) {
        let made = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
        return (made, try made.savedPlan())
    }

    /// After a refused run: nothing was changed, and a clean run converges.
    private func assertNothingChangedThenConverges(_ made: Scenario) async throws {
        let mutations = try await made.mutations()
        XCTAssertEqual(mutations.count, 0)
        XCTAssertEqual(try made.pipeline(apply: true).status, 0)
        XCTAssertEqual(try made.plan().count, 0)
    }

    func testNoLockDirectoryFallsBackToTmpNever() async throws {
        let (made, plan) = try await oneCreate()
        let result = try Tools.shell("unset HOME XDG_CACHE_HOME GT_CACHE_DIR GT_LOCK_DIR; exec gt-apply --no-dry-run --format ndjson < '\(plan)'",
                                     environment: ["GT_SECRETS_FILE": made.environment["GT_SECRETS_FILE"]!, "GT_DATA_DIR": made.dataDirectory])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("no private directory for the run lock: set GT_LOCK_DIR"), result.stderr)
        XCTAssertTrue(result.stderr.contains("never falls back to a shared directory such as /tmp"), result.stderr)
        XCTAssertEqual(try summary(result)?["status"], "failed")
        try await assertNothingChangedThenConverges(made)
    }

    func testALinkAtTheLockPathIsNeverFollowed() async throws {
        try await assertPlantedLockIsRefused({ symlink($0, $1) }) {
            "run lock \($0)/apply-gt.lock: it is a symbolic link; gt never follows one"
        }
    }

    func testALockFileWithAnotherNameIsNeverTruncated() async throws {
        try await assertPlantedLockIsRefused({ link($0, $1) }) { _ in "not a regular file of this user with a single link" }
    }

    /// A lock file planted by `plant(victim, lock path)`, a link to a file gt did not create, is
    /// refused with `message(lock directory)`; the victim keeps its content and nothing changes.
    private func assertPlantedLockIsRefused(_ plant: (String, String) -> Int32, saying message: (String) -> String)
        async throws
    {
        let (made, plan) = try await oneCreate()
        let locks = made.directory.appendingPathComponent("locks").path
        let victim = made.directory.appendingPathComponent("victim.txt").path
        try "precious\n".write(toFile: victim, atomically: true, encoding: .utf8)
        XCTAssertEqual(mkdir(locks, 0o700), 0)
        XCTAssertEqual(plant(victim, locks + "/apply-gt.lock"), 0)
        let result = try Tools.shell("exec gt-apply --no-dry-run --format ndjson < '\(plan)'",
                                     environment: made.environment.merging(["GT_LOCK_DIR": locks]) { $1 })
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains(message(locks)), result.stderr)
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "precious\n")
        try await assertNothingChangedThenConverges(made)
    }

    func testALockDirectoryOthersCanWriteIsRefusedAndLeftAsItIs() async throws {
        let (made, plan) = try await oneCreate()
        let locks = made.directory.appendingPathComponent("shared-locks").path
        XCTAssertEqual(mkdir(locks, 0o700), 0)
        XCTAssertEqual(chmod(locks, 0o1777), 0)
        let result = try Tools.shell("exec gt-apply --no-dry-run --format ndjson < '\(plan)'",
                                     environment: made.environment.merging(["GT_LOCK_DIR": locks]) { $1 })
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("lock directory \(locks) (from GT_LOCK_DIR) can be written by others (mode 1777)"),
                      result.stderr)
        XCTAssertTrue(result.stderr.contains("set GT_LOCK_DIR to a directory only you can write"), result.stderr)
        var info = stat()
        XCTAssertEqual(stat(locks, &info), 0)
        XCTAssertEqual(info.st_mode & 0o7777, 0o1777, "the mode was changed")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: locks), [])
        try await assertNothingChangedThenConverges(made)
    }
}
