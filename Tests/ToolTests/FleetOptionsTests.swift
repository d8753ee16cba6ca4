import GTTestSupport
import XCTest

/// `--concurrency` and `--cache-url`, one option group for gt-current and gt-apply (FleetCLI):
/// the same checks and messages in both, each tool's own default.
final class FleetOptionsTests: XCTestCase {
    func testBothToolsRefuseTheSameBadValuesAsUsageErrors() throws {
        for tool in ["gt-current", "gt-apply"] {
            for (arguments, message) in [(["--concurrency", "0"], "--concurrency must be between 1 and 256"),
                                         (["--concurrency", "257"], "--concurrency must be between 1 and 256"),
                                         (["--concurrency", "1e17"], "The value '1e17' is invalid for '--concurrency <concurrency>'"),
                                         (["--cache-url", "redis://h:x"], "--cache-url: cache URL redis://h:…: the port must be a number")] {
                let result = try Tools.run(tool, arguments)
                XCTAssertEqual(result.status, 64, "\(tool) \(arguments): \(result.stderr)")
                XCTAssertTrue(result.stderr.contains(message), "\(tool) \(arguments): \(result.stderr)")
                XCTAssertEqual(result.stdout, "")
            }
        }
    }

    func testEachToolKeepsItsDefaultAndHelp() throws {
        // Words only: the help is wrapped to the terminal's width.
        func help(_ tool: String) throws -> String {
            try Tools.run(tool, ["--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        let current = try help("gt-current")
        XCTAssertTrue(current.contains("Requests in flight per instance. (default: 8)"), current)
        let apply = try help("gt-apply")
        XCTAssertTrue(apply.contains("(projects in parallel; actions within a project in order). (default: 4)"), apply)
        for help in [current, apply] {
            XCTAssertTrue(help.contains("--cache-url <url>"), help)
        }
    }
}
