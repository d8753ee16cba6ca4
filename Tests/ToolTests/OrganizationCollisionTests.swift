import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest

/// Two App-Interface organizations of one instance that resolve to one GlitchTip organization
/// (one by name, the other by slug) and declare the same project: refused, naming both
/// datafiles. Accepted, every run deleted and recreated the alerts of the other.
final class OrganizationCollisionTests: XCTestCase {
    private let alertA = "- name: a\n  description: d\n  quantity: 1\n  timespanMinutes: 1\n  recipients: []"
    private let alertB = "- name: b\n  description: d\n  quantity: 1\n  timespanMinutes: 1\n  recipients: []"

    /// `acme` (org.yml, the fixture's) and `Acme` (org2.yml) on the same instance.
    private func twoOrganizations(secondProject: String) throws -> String {
        try oneProjectDataDirectory(alerts: alertA, files: [
            "org2.yml": """
                $schema: /dependencies/glitchtip-organization-1.yml
                name: Acme
                description: acme again
                instance: {$ref: /instance.yml}
                """,
            "project2.yml": projectDatafile(secondProject, organization: "/org2.yml", alerts: alertB),
        ])
    }

    func testSameProjectUnderOrganizationsThatResolveAlikeIsRefused() throws {
        let dir = try twoOrganizations(secondProject: "web")
        let result = try Tools.run("gt-desired", ["--data", dir])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "gt-desired: error: \(dir)/project2.yml: project 'web': organizations 'acme' and 'Acme' of "
            + "instance 'gt-test' resolve to the same GlitchTip organization (slug 'acme'), and both declare project 'web' "
            + "(also declared in \(dir)/project.yml); rename one organization or project\n")
        XCTAssertEqual(try result.body().count, 0)
        XCTAssertEqual(try result.trailer()?["complete"], false)
    }

    /// Different projects in those organizations are different GlitchTip projects: nothing
    /// fights, so it stays accepted.
    func testDifferentProjectsUnderThoseOrganizationsAreAccepted() throws {
        let dir = try twoOrganizations(secondProject: "api")
        let result = try Tools.run("gt-desired", ["--data", dir])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try result.body().filter { $0["kind"] == "project" }.count, 2)
    }

    /// The same project slug in organizations whose slugs differ is fine.
    func testSameProjectUnderUnrelatedOrganizationsIsAccepted() throws {
        let dir = try oneProjectDataDirectory(alerts: alertA, files: [
            "org2.yml": """
                $schema: /dependencies/glitchtip-organization-1.yml
                name: Other Corp
                description: other
                instance: {$ref: /instance.yml}
                """,
            "project2.yml": projectDatafile("web", organization: "/org2.yml", alerts: alertB),
        ])
        let result = try Tools.run("gt-desired", ["--data", dir])
        XCTAssertEqual(result.status, 0, result.stderr)
    }
}
