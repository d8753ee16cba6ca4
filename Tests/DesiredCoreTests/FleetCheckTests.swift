import AppInterface
import DesiredCore
import GTStreams
import XCTest

/// The checks that need more than one project (docs/rules.md, "Desired state"), fed one project
/// at a time: a project key declared twice, organizations GlitchTip would see as one
/// (docs/architecture.md, "Organization matching"); and the instances as a whole.
final class FleetCheckTests: XCTestCase {
    private typealias M = DesiredModel

    private func record(_ organization: String, _ slug: String, name: String? = nil) -> ProjectRecord {
        ProjectRecord(instance: "glitchtip", organization: organization, project: slug, name: name ?? slug, alerts: [])
    }

    func testAProjectKeyDeclaredTwiceNamesBothDeclarations() {
        // Fed in stream order, as the tools feed it: the declarations of one key come together.
        var keys = DuplicateProjectKeys()
        XCTAssertNil(keys.add(record("Org", "api"), declaredIn: "a/api.yml"))
        XCTAssertNil(keys.add(record("Org", "web"), declaredIn: "a/web.yml"))
        XCTAssertEqual(keys.add(record("Org", "web", name: "Web"), declaredIn: "c/web.yml")?.description,
                       "c/web.yml: project 'Web': glitchtip/Org/web is also declared in a/web.yml")
        // A third declaration names the one before it.
        XCTAssertEqual(keys.add(record("Org", "web"), declaredIn: "d/web.yml")?.description,
                       "d/web.yml: project 'web': glitchtip/Org/web is also declared in c/web.yml")
        XCTAssertNil(keys.add(record("Other", "web"), declaredIn: "b/web.yml"))
    }

    func testOrganizationsThatSlugifyAlikeMayNotShareAProject() {
        var collisions = OrganizationCollisions()
        XCTAssertNil(collisions.add(M.project("web", organization: "Acme", origin: "acme/web.yml")))
        XCTAssertNil(collisions.add(M.project("api", organization: "acme", origin: "acme/api.yml")))
        XCTAssertEqual(collisions.add(M.project("web", organization: "acme", origin: "lower/web.yml"))?.description,
                       "lower/web.yml: project 'web': organizations 'Acme' and 'acme' of instance 'glitchtip' resolve to the same "
                           + "GlitchTip organization (slug 'acme'), and both declare project 'web' (also declared in acme/web.yml); "
                           + "rename one organization or project")
        // Each later one is compared with the first declaration.
        XCTAssertEqual(collisions.add(M.project("web", organization: "ACME!", origin: "bang/web.yml"))?.description.hasPrefix(
            "bang/web.yml: project 'web': organizations 'Acme' and 'ACME!'"), true)
    }

    func testTheSameOrganizationTwiceOrAnotherInstanceIsNoCollision() {
        var collisions = OrganizationCollisions()
        XCTAssertNil(collisions.add(M.project("web", organization: "Acme")))
        // The same name is one organization: a duplicate key, reported by `DuplicateProjectKeys`.
        XCTAssertNil(collisions.add(M.project("web", organization: "Acme")))
        XCTAssertNil(collisions.add(M.project("web", organization: "acme", instance: "other")))
        XCTAssertNil(collisions.add(M.project("web", organization: "Unrelated")))
    }

    func testInstancesDeclaredTwiceAndAnUnknownFilter() {
        let instances = DeclaredInstances([M.instance(origin: "one.yml"), M.instance("other"), M.instance(origin: "two.yml")],
                                          filter: "missing")
        XCTAssertEqual(instances.errors.map(\.description),
                       ["two.yml: instance 'glitchtip' is declared twice", "no GlitchTip instance named 'missing'"])
        XCTAssertEqual(instances.byName["glitchtip"]?.origin, "two.yml")
        XCTAssertEqual(DeclaredInstances([M.instance()], filter: "glitchtip").errors, [])
        switch instances.instance(of: M.project(instance: "nowhere")) {
        case .success: XCTFail("an undeclared instance was found")
        case .failure(let error):
            XCTAssertEqual(error.description, "web.yml: project 'web': instance 'nowhere' is not declared")
        }
    }

    /// Through gt-desired's walk (DesiredStream): projects come in stream order, errors are
    /// reported in the model's order.
    func testTheWholeModelReportsEveryErrorInOrder() async {
        let model = AppInterfaceModel(instances: [M.instance(origin: "i1.yml"), M.instance(origin: "i2.yml")], projects: [
            M.project("web", organization: "Acme", origin: "p1.yml"),
            M.project("web", organization: "acme", origin: "p2.yml"),
            M.project("api", instance: "nowhere", origin: "p3.yml"),
            M.project("web", organization: "Acme", alerts: [M.alert("a", quantity: .int(0))], origin: "p4.yml"),
            M.project("web", organization: "Acme", origin: "p5.yml"),
        ])
        switch await M.stream(model) {
        case .success: XCTFail("built")
        case .failure(let failure):
            XCTAssertEqual(failure.messages, [
                "i2.yml: instance 'glitchtip' is declared twice",
                "p3.yml: project 'api': instance 'nowhere' is not declared",
                "alerts/a.yml: project 'web', alert 'a': quantity must be a positive integer, got 0",
                "p5.yml: project 'web': glitchtip/Acme/web is also declared in p1.yml",
                "p2.yml: project 'web': organizations 'Acme' and 'acme' of instance 'glitchtip' resolve to the same GlitchTip "
                    + "organization (slug 'acme'), and both declare project 'web' (also declared in p1.yml); rename one "
                    + "organization or project",
            ])
        }
    }

    func testTheWholeModelInStreamOrderFilteredByInstance() async throws {
        let model = AppInterfaceModel(instances: [M.instance("b"), M.instance("a")], projects: [
            M.project("z", instance: "a"), M.project("web", organization: "Org", instance: "b"),
            M.project("y", organization: "B", instance: "a"), M.project("x", organization: "a", instance: "a"),
        ])
        let all = try await M.stream(model).get()
        XCTAssertEqual(all.instances, ["a", "b"])
        XCTAssertEqual(all.projects, ["a/B/y", "a/Org/z", "a/a/x", "b/Org/web"])
        let onlyB = try await M.stream(model, filter: "b").get()
        XCTAssertEqual(onlyB.instances, ["b"])
        XCTAssertEqual(onlyB.projects, ["b/Org/web"])
    }
}
