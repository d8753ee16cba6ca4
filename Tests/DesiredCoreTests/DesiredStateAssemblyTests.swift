import AppInterface
import DesiredCore
import GTStreams
import XCTest

/// gt-desired's build one project at a time (docs/architecture.md, "Bounded memory"): fed in
/// stream order (docs/streams.md, "Order"), each record comes back at once; the violations are
/// reported in the order the source lists the projects (`sourceIndex`), whatever order they were
/// fed in, and organization collisions name the first declaration in that order.
final class DesiredStateAssemblyTests: XCTestCase {
    private typealias M = DesiredModel

    private func assembly(_ organizations: [(String, String)], instances: [AppInterfaceModel.Instance] = [M.instance()])
        -> DesiredStateAssembly {
        DesiredStateAssembly(instances: DeclaredInstances(instances, filter: nil),
                             organizations: organizations.map { (instance: $0.0, organization: $0.1) })
    }

    func testRecordsComeBackInTheOrderProjectsAreAdded() {
        // Stream order; the source listed them in another.
        let fed: [(project: AppInterfaceModel.Project, sourceIndex: Int)] = [
            (M.project("api", organization: "A", alerts: [M.alert("b"), M.alert("a")]), 3),
            (M.project("web", organization: "A"), 0),
            (M.project("api", organization: "B"), 2),
            (M.project("z", organization: "b"), 1),
        ]
        var assembly = assembly([("glitchtip", "A"), ("glitchtip", "B"), ("glitchtip", "b")])
        var records: [ProjectRecord] = []
        for entry in fed {
            guard let record = assembly.add(entry.project, sourceIndex: entry.sourceIndex, secrets: [:]) else {
                return XCTFail("\(entry.project.name) was refused: \(assembly.errors)")
            }
            records.append(record)
        }
        XCTAssertEqual(records.map(\.key.description), ["glitchtip/A/api", "glitchtip/A/web", "glitchtip/B/api", "glitchtip/b/z"])
        XCTAssertEqual(records.first?.alerts.map(\.name), ["a", "b"])
        XCTAssertEqual(assembly.errors, [])
    }

    func testErrorsComeInSourceOrderWhateverOrderTheyWereFound() {
        var assembly = assembly([("glitchtip", "A"), ("nowhere", "A")],
                                instances: [M.instance(origin: "i1.yml"), M.instance(origin: "i2.yml")])
        XCTAssertNil(assembly.add(M.project("c", organization: "A", alerts: [M.alert("bad", quantity: .int(0))], origin: "c.yml"),
                                  sourceIndex: 4, secrets: [:]))
        XCTAssertNil(assembly.add(M.project("d", organization: "A", instance: "nowhere", origin: "d.yml"), sourceIndex: 1, secrets: [:]))
        XCTAssertNotNil(assembly.add(M.project("e", organization: "A", origin: "e.yml"), sourceIndex: 3, secrets: [:]))
        assembly.record(AppInterfaceError(origin: "e.yml", message: "secret gt/hooks#url cannot be read"), sourceIndex: 3)
        XCTAssertNil(assembly.add(M.project("f", organization: "A", alerts: [M.alert("neg", timespan: .int(-1))], origin: "f.yml"),
                                  sourceIndex: 0, secrets: [:]))
        XCTAssertEqual(assembly.errors.map(\.description), [
            "i2.yml: instance 'glitchtip' is declared twice",
            "alerts/neg.yml: project 'f', alert 'neg': timespanMinutes must be a positive integer, got -1",
            "d.yml: project 'd': instance 'nowhere' is not declared",
            "e.yml: secret gt/hooks#url cannot be read",
            "alerts/bad.yml: project 'c', alert 'bad': quantity must be a positive integer, got 0",
        ])
    }

    func testACollisionNamesTheFirstDeclarationInSourceOrder() {
        var assembly = assembly([("glitchtip", "Acme"), ("glitchtip", "acme"), ("glitchtip", "Other")])
        // Stream order puts `Acme` ("A" < "a") first; the source lists `acme` first.
        XCTAssertNotNil(assembly.add(M.project("web", organization: "Acme", origin: "late.yml"), sourceIndex: 5, secrets: [:]))
        XCTAssertNotNil(assembly.add(M.project("web", organization: "Other", origin: "other.yml"), sourceIndex: 0, secrets: [:]))
        XCTAssertNotNil(assembly.add(M.project("web", organization: "acme", origin: "early.yml"), sourceIndex: 1, secrets: [:]))
        XCTAssertEqual(assembly.errors.map(\.description), [
            "late.yml: project 'web': organizations 'acme' and 'Acme' of instance 'glitchtip' resolve to the same GlitchTip "
                + "organization (slug 'acme'), and both declare project 'web' (also declared in early.yml); rename one "
                + "organization or project",
        ])
    }

    func testOrganizationsThatDoNotShareASlugAreNotChecked() {
        // Different names, different slugs: no collision whatever their projects.
        var distinct = assembly([("glitchtip", "Acme"), ("glitchtip", "Globex"), ("other", "acme")],
                                instances: [M.instance(), M.instance("other")])
        for (organization, instance) in [("Acme", "glitchtip"), ("Globex", "glitchtip"), ("acme", "other")] {
            XCTAssertNotNil(distinct.add(M.project("web", organization: organization, instance: instance), sourceIndex: 0, secrets: [:]))
        }
        XCTAssertEqual(distinct.errors, [])
        // Only the organizations named at the start are tracked: told of `Acme` alone, a
        // project of `acme` is not compared with it; told of both, it is.
        var untracked = assembly([("glitchtip", "Acme")])
        var tracked = assembly([("glitchtip", "Acme"), ("glitchtip", "acme")])
        for organization in ["Acme", "acme"] {
            XCTAssertNotNil(untracked.add(M.project("web", organization: organization), sourceIndex: 0, secrets: [:]))
            XCTAssertNotNil(tracked.add(M.project("web", organization: organization), sourceIndex: 0, secrets: [:]))
        }
        XCTAssertEqual(untracked.errors, [])
        XCTAssertEqual(tracked.errors.count, 1)
    }
}
