import Foundation
@testable import AppInterface
import GTStreams
import GTTestSupport
import XCTest

/// The catalog a data directory or bundle opens into (docs/architecture.md, "Bounded memory"):
/// projects walked in stream order (docs/streams.md, "Order": instance, organization, project,
/// compared as UTF-8 bytes; ties in path order), a batch at a time; failures reported in path
/// order whatever order the walk met them.
final class AppInterfaceCatalogTests: XCTestCase {
    private typealias F = DatafileFixture

    // MARK: - (a) Stream order, not path order

    func testProjectsComeInStreamOrderTiesInPathOrder() async throws {
        // Instances, organizations and slugs listed in UTF-8 order ("A" < "z", "Z" < "a" < "é",
        // "B" < "b" < "é"): every file name is given so that path order is the reverse.
        let instances = ["Alpha", "zeta"], organizations = ["Z", "a", "é"], slugs = ["B", "b", "é"]
        var fixture = F()
        var expected: [(key: String, path: String)] = []
        for (i, instance) in instances.enumerated() {
            fixture.files["/i/\(2 - i).yml"] = F.instance(instance)
            for (o, organization) in organizations.enumerated() {
                let orgPath = "/o/\(2 - i)-\(3 - o).yml"
                fixture.files[orgPath] = F.organization(organization, instance: "/i/\(2 - i).yml")
                for slug in slugs { expected.append(("\(instance)/\(organization)/\(slug)", orgPath)) }
            }
        }
        var projects: [(key: String, path: String)] = []
        for (index, entry) in expected.enumerated() {
            let path = String(format: "/p/%02d.yml", expected.count - index)
            fixture.files[path] = F.project("p\(index)", slug: String(entry.key.split(separator: "/").last!),
                                            organization: entry.path)
            projects.append((entry.key, path))
            // Two more declarations of Alpha/a/b, after it in path order ("t" > "0"): tie-a before tie-b.
            if entry.key == "Alpha/a/b" {
                for tie in ["tie-b", "tie-a"] {
                    fixture.files["/p/\(tie).yml"] = F.project("p\(tie)", slug: "b", organization: entry.path)
                }
                projects += [(entry.key, "/p/tie-a.yml"), (entry.key, "/p/tie-b.yml")]
            }
        }
        let dir = try fixture.write(in: self)
        let catalog = try await openCatalog(.dataDirectory(dir))

        let walked = walk(catalog)
        XCTAssertEqual(walked.map(\.keyOrError), projects.map(\.key))
        XCTAssertEqual(walked.map(\.origin), projects.map { dir + $0.path })
        // Each project's place in path order comes with it.
        let pathOrder = projects.map(\.path).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        XCTAssertEqual(walked.map(\.sourceIndex), projects.map { pathOrder.firstIndex(of: $0.path)! })

        var awaited: [String] = []
        await catalog.forEachProject { resolution in
            await Task.yield()
            awaited.append(resolution.keyOrError)
        }
        XCTAssertEqual(awaited, projects.map(\.key))
        // projectKeys() in stream order too; model() in path order.
        XCTAssertEqual(try catalog.projectKeys().map(\.description), projects.map(\.key))
        XCTAssertEqual(try catalog.model().projects.map(\.origin), pathOrder.map { dir + $0 })
    }

    // MARK: - (b) A data directory and its bundle

    func testADataDirectoryAndItsBundleGiveTheSameModelAndOrder() async throws {
        var fixture = F()
        fixture.files["/instances/prod.yml"] = F.instance("prod")
        fixture.files["/instances/stage.yml"] = F.instance("stäge")
        fixture.files["/orgs/pay.yml"] = F.organization("Zahlungsüberweisung", instance: "/instances/prod.yml")
        fixture.files["/orgs/ops.yml"] = F.organization("Ops", instance: "/instances/stage.yml")
        fixture.files["/app.yml"] = "$schema: /app-sre/app-1.yml\nname: app\n"
        fixture.files["/alerts/high.yml"] = """
            $schema: /dependencies/glitchtip-project-alert-1.yml
            labels: {}
            name: hohe-Fehlerrate-é
            description: Fehler ☃
            quantity: 1.5
            timespanMinutes: 10
            recipients:
            - provider: email-project-members
            - provider: webhook
              urlSecret: {path: gt/hooks, field: url}

            """
        fixture.files["/policies/oncall.yml"] = """
            $schema: /app-sre/escalation-policy-1.yml
            labels: {}
            name: oncall
            description: on call
            channels:
              email: [oncall@example.com]
              jiraBoard:
              - $ref: /boards/A.yml
              - $ref: /boards/B.yml
              jiraComponents: [kasse, "card payments"]
              jiraLabels: [eskalation-ü]

            """
        fixture.files["/boards/A.yml"] = "$schema: /dependencies/jira-board-1.yml\nname: PAY\nissueType: Bug\n"
        fixture.files["/boards/B.yml"] = """
            $schema: /dependencies/jira-board-1.yml
            name: PAY-LEGACY
            disable:
              integrations: [jira-permissions-validator]

            """
        fixture.files["/projects/cafe.yml"] = F.project("Café", organization: "/orgs/pay.yml", alerts: """
            - $ref: /alerts/high.yml
            - name: inline-ß
              description: inline
              quantity: 2
              timespanMinutes: 2.5
              recipients:
              - provider: webhook
                url: https://hooks.example.com/ä
            """, extra: "jira:\n  escalationPolicy: {$ref: /policies/oncall.yml}\n  labels: [café]")
        fixture.files["/projects/dienst.yml"] = F.project("Ops-Dienst", slug: "dienst", organization: "/orgs/ops.yml",
                                                          alerts: "- $ref: /alerts/high.yml")
        // Path order (cafe, dienst, z-api) is not stream order (api, café, dienst).
        fixture.files["/projects/z-api.yml"] = F.project("API", organization: "/orgs/pay.yml")
        let dir = try fixture.write(in: self)
        let bundle = scratchDirectory().appendingPathComponent("bundle.json").path
        let derive = try Tools.run("/usr/bin/env", ["python3", "Tests/Fixtures/qontract_from_datadir.py", dir,
                                                    "--bundle", bundle, "--graphql", bundle + ".graphql"])
        XCTAssertEqual(derive.status, 0, derive.stderr)

        let fromData = try await openCatalog(.dataDirectory(dir))
        let fromBundle = try await openCatalog(.bundle(bundle))
        let dataModel = try fromData.model().withOrigins(without: dir)
        let bundleModel = try fromBundle.model().withOrigins(without: bundle + ":")
        XCTAssertEqual(dataModel.instances, bundleModel.instances)
        XCTAssertEqual(dataModel.projects, bundleModel.projects)
        XCTAssertEqual(walk(fromData).map(\.keyOrError), walk(fromBundle).map(\.keyOrError))
        XCTAssertEqual(walk(fromData).map(\.keyOrError), ["prod/Zahlungsüberweisung/api", "prod/Zahlungsüberweisung/café",
                                                          "stäge/Ops/dienst"])

        // What went through the spill came back as written: the float, the non-ASCII names.
        let cafe = try XCTUnwrap(dataModel.projects.first { $0.name == "Café" })
        XCTAssertEqual(cafe.alerts.map(\.name), ["hohe-Fehlerrate-é", "inline-ß"])
        XCTAssertEqual(cafe.alerts.map(\.quantity), [.double(1.5), .int(2)])
        XCTAssertEqual(cafe.alerts.last?.timespanMinutes, .double(2.5))
        XCTAssertEqual(cafe.alerts.last?.recipients, [.webhook(url: "https://hooks.example.com/ä", urlSecret: nil)])
        XCTAssertEqual(cafe.jira?.labels, ["café"])
        XCTAssertEqual(cafe.jira?.escalationPolicy?.jiraBoards,
                       [.init(name: "PAY", issueType: "Bug", disabledIntegrations: []),
                        .init(name: "PAY-LEGACY", issueType: nil, disabledIntegrations: ["jira-permissions-validator"])])
        XCTAssertEqual(cafe.jira?.escalationPolicy?.jiraLabels, ["eskalation-ü"])
        XCTAssertEqual(cafe.alerts.first?.origin, "/alerts/high.yml")
    }

    // MARK: - (c) Across batches

    func testSixHundredProjectsCrossTheBatchesInStreamOrder() async throws {
        var fixture = F()
        fixture.files["/instance.yml"] = F.instance("gt")
        for org in 0..<7 { fixture.files["/o/\(org).yml"] = F.organization("org-\(org)", instance: "/instance.yml") }
        // Slugs a permutation of the file numbers (7919 is prime to 600): path, slug and
        // organization orders all differ.
        for index in 0..<600 {
            fixture.files["/p/\(index).yml"] = F.project("p\(index)", slug: String(format: "s%04d", index * 7919 % 600),
                                                         organization: "/o/\(index % 7).yml")
        }
        let dir = try fixture.write(in: self)
        let catalog = try await openCatalog(.dataDirectory(dir))
        XCTAssertGreaterThan(catalog.projectCount, 2 * AppInterfaceCatalog.batch)

        let walked = walk(catalog)
        let keys = walked.map(\.keyOrError)
        XCTAssertEqual(keys.count, 600)
        XCTAssertEqual(keys, keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        XCTAssertEqual(Set(keys).count, 600)
        XCTAssertEqual(Set(walked.map(\.sourceIndex)), Set(0..<600))
        let pathOrder = (0..<600).map { "/p/\($0).yml" }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for resolution in walked where resolution.origin != dir + pathOrder[resolution.sourceIndex] {
            XCTFail("\(resolution.keyOrError) came with sourceIndex \(resolution.sourceIndex)")
            break
        }
        var awaited: [String] = []
        await catalog.forEachProject { resolution in
            await Task.yield()
            awaited.append(resolution.keyOrError)
        }
        XCTAssertEqual(awaited, keys)
        XCTAssertEqual(try catalog.model().projects.map(\.origin), pathOrder.map { dir + $0 })
    }
}

extension AppInterfaceModel {
    /// The model with `prefix` taken out of every origin: a data directory's and a bundle's
    /// name the same datafile differently.
    func withOrigins(without prefix: String) -> AppInterfaceModel {
        func strip(_ origin: String) -> String { origin.replacingOccurrences(of: prefix, with: "") }
        var copy = self
        for index in copy.instances.indices { copy.instances[index].origin = strip(copy.instances[index].origin) }
        for index in copy.projects.indices {
            copy.projects[index].origin = strip(copy.projects[index].origin)
            for alert in copy.projects[index].alerts.indices {
                copy.projects[index].alerts[alert].origin = strip(copy.projects[index].alerts[alert].origin)
            }
        }
        return copy
    }
}
