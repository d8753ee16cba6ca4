import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// Hostile YAML in a datafile or the secrets file: nesting 100,000 deep (it overflowed the stack
/// of every tool) and alias bombs (`*a9` expanding 9^10 nodes). Every tool that reads the file
/// refuses it with a message naming the file, exit status 1 (not a signal), at once. The tools
/// run under a memory limit and a timeout, so a regression fails the test instead of the machine.
final class HostileInputTests: SimulatorTestCase {

    private let deepSequences = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    private let deepMappings = String(repeating: "{a: ", count: 100_000) + "1" + String(repeating: "}", count: 100_000)

    /// `a0` … `a9`, each nine aliases of the one before, with long leaves: walking `*a9` builds
    /// gigabytes.
    private let bombAnchors = (["a0: &a0 [" + Array(repeating: String(repeating: "x", count: 100), count: 9).joined(separator: ", ") + "]"]
        + (1...9).map { "a\($0): &a\($0) [" + Array(repeating: "*a\($0 - 1)", count: 9).joined(separator: ", ") + "]" })

    /// One alert pending (declared, not in GlitchTip), so gt-apply has something to do.
    private func pending() async throws -> Scenario {
        let scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "a")]],
                                               current: ["web": []])
        return scenario
    }

    /// A tool under `ulimit -v` (4 GB) and a 120 s timeout.
    private func bounded(_ command: String, environment: [String: String]) throws -> ToolResult {
        try Tools.shell("ulimit -v 4000000; exec timeout -s KILL 120 \(command)", environment: environment)
    }

    private func assertRefused(_ result: ToolResult, _ tool: String, _ expected: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 1, "\(tool): \(result.stderr.prefix(2000))", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(expected), "\(tool): \(result.stderr.prefix(2000))", file: file, line: line)
    }

    // MARK: - Datafiles

    func testDeepNestingInADatafileIsRefusedByEveryTool() async throws {
        let scenario = try await pending()
        let data = scenario.dataDirectory
        for (shape, deep) in [("sequences", deepSequences), ("mappings", deepMappings)] {
            try "$schema: /some/other-1.yml\nvalue: \(deep)\n".write(toFile: data + "/deep.yml", atomically: true, encoding: .utf8)
            let expected = "\(data)/deep.yml: YAML nested deeper than 100 levels"
            for tool in ["gt-desired", "gt-current --quiet"] {
                assertRefused(try bounded("\(tool) --data '\(data)'", environment: scenario.environment), "\(tool) (\(shape))", expected)
            }
        }
        let mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 0)
        try FileManager.default.removeItem(atPath: data + "/deep.yml")
        XCTAssertEqual(try scenario.pipeline(apply: true).status, 0)
        XCTAssertEqual(try scenario.plan().count, 0)
    }

    func testAnAliasBombInADatafileIsRefusedByEveryTool() async throws {
        let scenario = try await pending()
        let data = scenario.dataDirectory
        let path = data + "/projects/web.yml"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        // The bomb where gt-desired reads it: the alert's quantity (a bad quantity is quoted
        // in the error message, so it used to be walked in full).
        try ("labels:\n" + bombAnchors.map { "  \($0)" }.joined(separator: "\n") + "\n"
            + original.replacingOccurrences(of: "  quantity: 1", with: "  quantity: *a9"))
            .write(toFile: path, atomically: true, encoding: .utf8)
        let expected = "\(path): YAML aliases expand to more than 100000 nodes"
        for tool in ["gt-desired", "gt-current --quiet"] {
            assertRefused(try bounded("\(tool) --data '\(data)'", environment: scenario.environment), tool, expected)
        }
        let mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 0)
        try original.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try scenario.pipeline(apply: true).status, 0)
        XCTAssertEqual(try scenario.plan().count, 0)
    }

    // MARK: - The secrets file

    /// gt-desired reads it for a webhook secret; gt-current and gt-apply for the instance token.
    func testHostileSecretsFilesAreRefusedByEveryTool() async throws {
        let scenario = try await pending()
        let data = scenario.dataDirectory
        let good = scenario.environment["GT_SECRETS_FILE"]!
        let plan = scenario.directory.appendingPathComponent("plan.ndjson").path
        let planned = try Tools.shell("gt-desired --data '\(data)' | gt-diff <(gt-current --data '\(data)' --quiet) > '\(plan)'",
                                      environment: scenario.environment)
        XCTAssertEqual(planned.status, 0, planned.stderr)
        let secretDir = try oneProjectDataDirectory(alerts: """
            - name: hook
              description: d
              quantity: 1
              timespanMinutes: 1
              recipients:
              - provider: webhook
                urlSecret: {path: gt/hooks, field: url}
            """)
        let token = Scenario.token
        let hostile = scenario.directory.appendingPathComponent("hostile-secrets.yml").path
        let cases = [
            ("deep", "gt/creds: {token: \(token), email: bot@example.com}\ngt/hooks: {url: 'https://hooks.example.com/x'}\ndeep: \(deepSequences)\n",
             "secrets file \(hostile): YAML nested deeper than 100 levels"),
            ("bomb", "labels:\n" + bombAnchors.map { "  \($0)" }.joined(separator: "\n")
                + "\ngt/creds: {token: \(token), email: bot@example.com}\ngt/hooks: {url: *a9}\n",
             "secrets file \(hostile): YAML aliases expand to more than 100000 nodes"),
        ]
        for (name, text, expected) in cases {
            try text.write(toFile: hostile, atomically: true, encoding: .utf8)
            let env = scenario.environment.merging(["GT_SECRETS_FILE": hostile]) { $1 }
            assertRefused(try bounded("gt-desired --data '\(secretDir)'", environment: env), "gt-desired (\(name))", expected)
            assertRefused(try bounded("gt-current --quiet --refresh --data '\(data)'", environment: env), "gt-current (\(name))", expected)
            assertRefused(try bounded("gt-apply --no-dry-run --format ndjson < '\(plan)'", environment: env), "gt-apply (\(name))", expected)
            // Never a value of the file in any message.
            for tool in ["gt-desired --data '\(secretDir)'", "gt-current --quiet --refresh --data '\(data)'"] {
                let result = try bounded(tool, environment: env)
                XCTAssertFalse(result.stderr.contains(token) || result.stdout.contains(token), tool)
            }
        }
        let mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 0)
        XCTAssertEqual(try scenario.pipeline(apply: true, environment: ["GT_SECRETS_FILE": good]).status, 0)
        XCTAssertEqual(try scenario.plan().count, 0)
    }
}
