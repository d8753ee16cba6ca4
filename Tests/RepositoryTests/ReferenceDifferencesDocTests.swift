import Foundation
import GTTestSupport
import XCTest

/// Where gt differs from qontract-reconcile on purpose, the README says so in one section, so a
/// team migrating from the reference finds every change in one place.
final class ReferenceDifferencesDocTests: XCTestCase {
    func testEveryDeliberateDifferenceIsListedInOneSection() throws {
        let readme = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let heading = "## Differences from qontract-reconcile\n"
        XCTAssertEqual(readme.components(separatedBy: heading).count, 2, "exactly one such section")
        guard let start = readme.range(of: heading) else { return }
        let rest = readme[start.upperBound...]
        let section = String(rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)])
        // One row per difference the reference's own tests showed (issue: conformance with the
        // reference's tests), named by what a migrating team would look for.
        for topic in ["Several alerts of one name", "Unnamed alerts", "Several Jira boards", "normalised", "stale plan",
                      "`uptime`", "`discord`", "listing fails", "Validation", "outcome unknown", "`X-Hits`",
                      "Several records", "token", "2,000", "Run lock",
                      "glitchtip-project-alerts-api", "`readTimeout`", "`consoleUrl`", "Redis"] {
            XCTAssertTrue(section.contains(topic), "README's differences section does not mention \(topic)")
        }
        XCTAssertGreaterThanOrEqual(section.components(separatedBy: "\n| ").count - 2, 18, "a row per difference")
    }
}
