import Foundation
@testable import AppInterface
import GTStreams
import GTTestSupport
import XCTest

/// What a catalog reports when a datafile is wrong, and what it derives from the projects
/// (docs/architecture.md, "Bounded memory"): failures in path order whatever order the walk met
/// them, a `$ref` to a datafile gt does not read, and the organizations the projects use.
final class AppInterfaceCatalogFailureTests: XCTestCase {
    private typealias F = DatafileFixture

    // MARK: - (d) Failures in path order

    func testTheFirstFailureInPathOrderIsReportedThoughTheWalkMeetsAnotherFirst() async throws {
        var fixture = F()
        fixture.files["/instance.yml"] = F.instance("gt")
        for org in ["aa", "mm", "zz"] { fixture.files["/o/\(org).yml"] = F.organization(org, instance: "/instance.yml") }
        // First in path order, last in stream order.
        fixture.files["/p/a.yml"] = F.project("web", organization: "/o/zz.yml", alerts: "- $ref: /missing-a.yml")
        fixture.files["/p/b.yml"] = F.project("web", organization: "/o/aa.yml", alerts: "- $ref: /missing-b.yml")
        fixture.files["/p/c.yml"] = F.project("web", organization: "/o/mm.yml")
        let dir = try fixture.write(in: self)
        let catalog = try await openCatalog(.dataDirectory(dir))

        XCTAssertEqual(walk(catalog).map(\.keyOrError), [
            "error: \(dir)/p/b.yml: alerts[0]: $ref '/missing-b.yml' does not exist", "gt/mm/web",
            "error: \(dir)/p/a.yml: alerts[0]: $ref '/missing-a.yml' does not exist",
        ])
        let first = "\(dir)/p/a.yml: alerts[0]: $ref '/missing-a.yml' does not exist"
        XCTAssertThrowsError(try catalog.model()) { XCTAssertEqual("\($0)", first) }
        // The keys are read before resolving: what is wrong below a project's key is for
        // gt-desired to report, not for gt-current.
        XCTAssertEqual(try catalog.projectKeys().map(\.description), ["gt/aa/web", "gt/mm/web", "gt/zz/web"])
    }

    /// A project whose key cannot be made (its organization's `$ref` is broken) is resolved to
    /// say why; the first such project in path order is reported.
    func testProjectKeysReportTheFirstProjectWithoutAKeyInPathOrder() async throws {
        var fixture = F()
        fixture.files["/instance.yml"] = F.instance("gt")
        fixture.files["/o/aa.yml"] = F.organization("aa", instance: "/instance.yml")
        fixture.files["/p/a.yml"] = F.project("web", organization: "/o/aa.yml")
        fixture.files["/p/b.yml"] = F.project("api", organization: "/o/gone-b.yml")
        fixture.files["/p/c.yml"] = F.project("db", organization: "/o/gone-c.yml")
        let dir = try fixture.write(in: self)
        for resolving in [true, false] {
            let catalog = try await openCatalog(.dataDirectory(dir), resolvingProjects: resolving)
            XCTAssertThrowsError(try catalog.projectKeys(), "resolving: \(resolving)") {
                XCTAssertEqual("\($0)", "\(dir)/p/b.yml: organization: $ref '/o/gone-b.yml' does not exist")
            }
        }
    }

    /// Opened for its keys only (gt-current, gt-apply), a data directory keeps no project: the
    /// keys are the same, and a walk still resolves every project, from disk again.
    func testACatalogOpenedForKeysGivesTheSameKeysAndStillResolves() async throws {
        var fixture = F()
        fixture.files["/instance.yml"] = F.instance("gt")
        fixture.files["/o/b.yml"] = F.organization("b", instance: "/instance.yml")
        fixture.files["/o/a.yml"] = F.organization("a", instance: "/instance.yml")
        fixture.files["/p/1.yml"] = F.project("zeta", organization: "/o/a.yml", alerts: "- $ref: /alerts/x.yml")
        fixture.files["/p/2.yml"] = F.project("alpha", organization: "/o/b.yml")
        fixture.files["/app.yml"] = "$schema: /app-sre/app-1.yml\nname: app\n"
        fixture.files["/alerts/x.yml"] = """
            $schema: /dependencies/glitchtip-project-alert-1.yml
            name: x
            description: d
            quantity: 2
            timespanMinutes: 10
            recipients:
            - provider: email-project-members

            """
        let dir = try fixture.write(in: self)
        let full = try await openCatalog(.dataDirectory(dir))
        let keysOnly = try await openCatalog(.dataDirectory(dir), resolvingProjects: false)
        XCTAssertEqual(try keysOnly.projectKeys(), try full.projectKeys())
        XCTAssertEqual(try keysOnly.projectKeys().map(\.description), ["gt/a/zeta", "gt/b/alpha"])
        XCTAssertEqual(try keysOnly.model().projects, try full.model().projects)
        XCTAssertEqual(try keysOnly.model().instances, try full.model().instances)
    }

    // MARK: - (e) A $ref to a datafile gt does not read

    func testARefToAnotherSchemaNamesWhatItPointsAt() async throws {
        var fixture = F()
        fixture.files["/instance.yml"] = F.instance("gt")
        fixture.files["/org.yml"] = F.organization("acme", instance: "/instance.yml")
        fixture.files["/app.yml"] = "$schema: /app-sre/app-1.yml\nname: app\ndescription: an app\n"
        fixture.files["/p.yml"] = F.project("web", organization: "/org.yml", alerts: "- $ref: /app.yml")
        let dir = try fixture.write(in: self)
        let catalog = try await openCatalog(.dataDirectory(dir))
        XCTAssertThrowsError(try catalog.model()) {
            XCTAssertEqual("\($0)", "\(dir)/p.yml: alerts[0]: $ref '/app.yml' has $schema '/app-sre/app-1.yml', "
                + "expected '/dependencies/glitchtip-project-alert-1.yml'")
        }
    }

    // MARK: - (f) Organizations

    func testOrganizationsAreTheDistinctPairsTheProjectsUse() async throws {
        var fixture = F()
        fixture.files["/i/one.yml"] = F.instance("one")
        fixture.files["/i/two.yml"] = F.instance("two")
        fixture.files["/o/one-shared.yml"] = F.organization("Shared", instance: "/i/one.yml")
        fixture.files["/o/one-only.yml"] = F.organization("Only", instance: "/i/one.yml")
        fixture.files["/o/two-shared.yml"] = F.organization("Shared", instance: "/i/two.yml")
        fixture.files["/o/unused.yml"] = F.organization("Unused", instance: "/i/two.yml")
        for (index, org) in ["one-shared", "one-shared", "one-only", "two-shared", "two-shared", "two-shared"].enumerated() {
            fixture.files["/p/\(index).yml"] = F.project("p\(index)", organization: "/o/\(org).yml")
        }
        let catalog = try await openCatalog(.dataDirectory(try fixture.write(in: self)))
        let pairs = catalog.organizations.map { "\($0.instance)/\($0.organization)" }
        XCTAssertEqual(pairs.sorted(), ["one/Only", "one/Shared", "two/Shared"])
    }
}
