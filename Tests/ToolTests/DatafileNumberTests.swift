import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest

/// Numbers in App-Interface's datafiles (docs/rules.md, "Numbers"): `readTimeout:
/// 10000000000000000` made gt-current and gt-apply die of an arithmetic overflow (gt-apply
/// after taking its locks). Every hostile value is refused by every tool that reads the field,
/// with the file and the field named, exit status 1 (never a signal), nothing changed.
final class DatafileNumberTests: SimulatorTestCase {

    /// YAML texts no integer setting may hold: 10^16, a string that looks like a number (`1e17`
    /// has no dot: YAML 1.1 reads a string), -1, infinity, NaN, a fraction, a quoted number,
    /// 2^63 and -2^63-1 (past 64 bits).
    static let hostile = ["10000000000000000", "1e17", "-1", ".inf", ".nan", "1.5", "'10'",
                          "9223372036854775808", "-9223372036854775809"]

    /// One create pending, and its plan made while the data was sound.
    private func pendingPlan() async throws -> (Scenario, String) {
        let scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "a")]],
                                               current: ["web": []])
        let d = scenario.dataDirectory
        let plan = try Tools.shell("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet --refresh)",
                                   environment: scenario.environment)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        return (scenario, plan.stdout)
    }

    private func setInstanceLine(_ scenario: Scenario, _ key: String, _ line: String?) throws {
        let path = scenario.dataDirectory + "/instance.yml"
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.removeAll { $0.hasPrefix(key + ":") }
        if let line { lines.append(line) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    private func assertRefused(_ result: ToolResult, _ what: String, naming field: String, in file: String,
                               line: UInt = #line) {
        XCTAssertFalse(result.signalled || result.status >= 128, "\(what): killed by a signal: \(result.stderr.suffix(1500))", line: line)
        XCTAssertEqual(result.status, 1, "\(what): \(result.stderr.suffix(1500))", line: line)
        XCTAssertTrue(result.stderr.contains(file), "\(what) does not name \(file): \(result.stderr.suffix(1500))", line: line)
        XCTAssertTrue(result.stderr.contains(field), "\(what) does not name \(field): \(result.stderr.suffix(1500))", line: line)
    }

    func testInstanceNumbersOutOfRangeAreRefusedByEveryTool() async throws {
        let (scenario, plan) = try await pendingPlan()
        let d = scenario.dataDirectory
        let file = d + "/instance.yml"
        let original = try String(contentsOfFile: file, encoding: .utf8)
        let cases: [(key: String, line: (String) -> String, extra: [String])] = [
            ("readTimeout", { "readTimeout: \($0)" }, ["3601"]),
            ("maxRetries", { "maxRetries: \($0)" }, ["11"]),
            ("automationToken", { "automationToken: {path: gt/creds, field: token, version: \($0)}" }, ["2147483648"]),
        ]
        for (key, line, extra) in cases {
            try original.write(toFile: file, atomically: true, encoding: .utf8)
            for value in Self.hostile + extra {
                try setInstanceLine(scenario, key, line(value))
                let what = "\(key): \(value)"
                let desired = try Tools.run("gt-desired", ["--data", d], environment: scenario.environment)
                assertRefused(desired, "gt-desired, \(what)", naming: key, in: file)
                let current = try Tools.run("gt-current", ["--data", d, "--quiet"], environment: scenario.environment)
                assertRefused(current, "gt-current, \(what)", naming: key, in: file)
                let apply = try Tools.run("gt-apply", ["--no-dry-run", "--data", d], stdin: plan, environment: scenario.environment)
                assertRefused(apply, "gt-apply, \(what)", naming: key, in: file)
            }
        }
        let mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 0, "\(mutations)")
        // The edges of the ranges are accepted, and the plan is applied as made.
        try original.write(toFile: file, atomically: true, encoding: .utf8)
        try setInstanceLine(scenario, "readTimeout", "readTimeout: 3600")
        try setInstanceLine(scenario, "maxRetries", "maxRetries: 10")
        let desired = try Tools.run("gt-desired", ["--data", d], environment: scenario.environment)
        XCTAssertEqual(desired.status, 0, desired.stderr)
        let instance = try desired.body().first { $0["kind"] == "instance" }
        XCTAssertEqual(instance?["read_timeout"], 3600)
        XCTAssertEqual(instance?["max_retries"], 10)
        let apply = try Tools.run("gt-apply", ["--no-dry-run", "--data", d], stdin: plan, environment: scenario.environment)
        XCTAssertEqual(apply.status, 0, apply.stderr)
        XCTAssertEqual(try summary(apply)?["applied_count"], 1)
    }

    func testAlertNumbersOutOfRangeAreRefusedNamingFileProjectAndAlert() async throws {
        let scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "a")]],
                                               current: ["web": []])
        let file = scenario.dataDirectory + "/projects/web.yml"
        let original = try String(contentsOfFile: file, encoding: .utf8)
        for key in ["quantity", "timespanMinutes"] {
            for value in Self.hostile + ["0", "32768"] {
                try original.replacingOccurrences(of: "  \(key): 1", with: "  \(key): \(value)")
                    .write(toFile: file, atomically: true, encoding: .utf8)
                let desired = try Tools.run("gt-desired", ["--data", scenario.dataDirectory], environment: scenario.environment)
                assertRefused(desired, "gt-desired, \(key): \(value)", naming: key, in: file)
                XCTAssertFalse(desired.stdout.contains(#""kind":"project""#), desired.stdout)
            }
        }
        try original.replacingOccurrences(of: "  quantity: 1", with: "  quantity: 32767")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let desired = try Tools.run("gt-desired", ["--data", scenario.dataDirectory], environment: scenario.environment)
        XCTAssertEqual(desired.status, 0, desired.stderr)
        XCTAssertTrue(desired.stdout.contains(#""quantity":32767"#), desired.stdout)
    }
}
