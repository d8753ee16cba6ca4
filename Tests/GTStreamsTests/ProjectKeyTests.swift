import XCTest
@testable import GTStreams
@testable import GTGlitchTip
@testable import GTCache

/// The one project key: how it is named, ordered and compared, and the keys records give.
final class ProjectKeyTests: XCTestCase {
    private func key(_ instance: String, _ organization: String, _ project: String) -> ProjectKey {
        ProjectKey(instance: instance, organization: organization, project: project)
    }

    func testMessagesNameAProjectInstanceSlashOrganizationSlashProject() {
        XCTAssertEqual(key("glitchtip-prod", "app-sre", "api").description, "glitchtip-prod/app-sre/api")
        XCTAssertEqual("\(key("i", "o", "p"))", "i/o/p")
    }

    func testStreamOrderIsByInstanceThenOrganizationThenProjectByBytes() {
        // Component by component: "gt" before "gt-00" although "gt/…" sorts after "gt-00/…".
        XCTAssertLessThan(key("gt", "z", "z"), key("gt-00", "a", "a"))
        XCTAssertLessThan("gt-00/a/a", "gt/z/z")
        XCTAssertLessThan(key("i", "a", "z"), key("i", "b", "a"))
        XCTAssertLessThan(key("i", "o", "a"), key("i", "o", "b"))
        // Bytes, not case-folded or locale order: upper case before lower case, ASCII before "é".
        XCTAssertLessThan(key("i", "o", "Z"), key("i", "o", "a"))
        XCTAssertLessThan(key("i", "o", "z"), key("i", "o", "é"))
        XCTAssertFalse(key("i", "o", "p") < key("i", "o", "p"))
        let shuffled = [key("b", "a", "a"), key("a", "b", "a"), key("a", "a", "b"), key("a", "a", "a")]
        XCTAssertEqual(shuffled.sorted(), [key("a", "a", "a"), key("a", "a", "b"), key("a", "b", "a"), key("b", "a", "a")])
    }

    func testEqualKeysHashAlikeAndDifferentComponentsNeverCollide() {
        XCTAssertEqual(Set([key("i", "o", "p"), key("i", "o", "p")]).count, 1)
        // A joined string would make these one key.
        XCTAssertNotEqual(key("a/b", "c", "d"), key("a", "b/c", "d"))
        XCTAssertEqual(Set([key("a/b", "c", "d"), key("a", "b/c", "d")]).count, 2)
    }

    func testRecordsGiveTheirKeyAndActionsBothSpellingsOfTheOrganization() {
        let project = ProjectRecord(instance: "prod", organization: "App SRE", organizationSlug: "app-sre", project: "api",
                                    name: "API", alerts: [])
        XCTAssertEqual(project.key, key("prod", "App SRE", "api"))
        let action = ActionRecord(type: .delete, instance: "prod", organization: "App SRE", organizationSlug: "app-sre",
                                  project: "api", alertName: "old", pk: 4)
        XCTAssertEqual(action.projectKey, key("prod", "App SRE", "api"))
        XCTAssertEqual(action.apiProjectKey, key("prod", "app-sre", "api"))
        XCTAssertEqual(action.path, "prod/App SRE/api/old")
    }
}
