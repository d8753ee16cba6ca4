import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// gt-desired over a fleet larger than its memory bound (docs/architecture.md, "Bounded memory"):
/// the records it holds until every project is built spill past `RecordSpill.memoryLimit` to a
/// temporary file and come back in stream order (docs/streams.md, "Order"), byte for byte what
/// the same datafiles give as a bundle; and one bad project leaves no record on stdout at all
/// (docs/streams.md, "Framing").
final class DesiredStreamingTests: XCTestCase {
    private let projectCount = 1_500

    private func relative(_ index: Int) -> String { String(format: "p/%04d.yml", index) }

    /// Two instances, four organizations each, `projectCount` projects whose file order, slug
    /// order and organization order all differ. Each project has an alert `$ref`'d from one file
    /// and one of its own.
    private func fleet() throws -> String {
        let dir = scratchDirectory()
        var files: [String: String] = ["alerts/shared.yml": """
            $schema: /dependencies/glitchtip-project-alert-1.yml
            name: shared-errors
            description: shared
            quantity: 5
            timespanMinutes: 10
            recipients:
            - provider: email-project-members
            """]
        for instance in ["west", "East"] {
            files["i/\(instance).yml"] = """
                $schema: /dependencies/glitchtip-instance-1.yml
                name: \(instance)
                description: test
                consoleUrl: https://\(instance.lowercased()).example.com
                automationUserEmail: {path: gt/test, field: email}
                automationToken: {path: gt/test, field: token}
                """
            for organization in ["zeta", "Alpha", "beta", "Ünicode"] {
                files["o/\(instance)-\(organization).yml"] = """
                    $schema: /dependencies/glitchtip-organization-1.yml
                    name: \(organization)
                    description: test
                    instance: {$ref: /i/\(instance).yml}
                    """
            }
        }
        let organizations = files.keys.filter { $0.hasPrefix("o/") }.sorted()
        for index in 0..<projectCount {
            // 7 is prime to 1,500: the slugs are a permutation of the file numbers.
            files[relative(index)] = projectDatafile(
                String(format: "svc-%04d", index * 7 % projectCount), organization: "/" + organizations[index % organizations.count],
                alerts: """
                    - $ref: /alerts/shared.yml
                    - name: own-\(index)
                      description: own
                      quantity: \(index % 9 + 1)
                      timespanMinutes: 1
                      recipients:
                      - provider: webhook
                        url: https://hooks.example.com/services/\(index)
                    """)
        }
        for (path, text) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return dir.path
    }

    func testALargeDataDirectoryStreamsWhatItsBundleGivesInStreamOrder() throws {
        let dir = try fleet()
        let bundle = scratchDirectory().appendingPathComponent("bundle.json").path
        let derive = try Tools.run("/usr/bin/env", ["python3", "Tests/Fixtures/qontract_from_datadir.py", dir,
                                                    "--bundle", bundle, "--graphql", bundle + ".graphql"])
        XCTAssertEqual(derive.status, 0, derive.stderr)

        let fromData = try Tools.run("gt-desired", ["--data", dir])
        XCTAssertEqual(fromData.status, 0, fromData.stderr)
        let fromBundle = try Tools.run("gt-desired", ["--bundle", bundle])
        XCTAssertEqual(fromBundle.status, 0, fromBundle.stderr)
        XCTAssertEqual(fromData.streamWithoutTrailer, fromBundle.streamWithoutTrailer)
        XCTAssertEqual(try fromData.trailer()?["complete"], true)

        let projects = try fromData.body().filter { $0["kind"] == "project" }
        XCTAssertEqual(projects.count, projectCount)
        let keys = projects.map { [$0["instance"], $0["organization"], $0["project"]].compactMap { $0?.stringValue } }
        XCTAssertEqual(keys, keys.sorted { $0.lexicographicallyPrecedes($1) { $0.utf8.lexicographicallyPrecedes($1.utf8) } })
        XCTAssertEqual(keys.first, ["East", "Alpha", "svc-0000"])
        XCTAssertEqual(Set(keys.map { $0.joined(separator: "/") }).count, projectCount)
        // More than the spill holds in memory: the records went through its temporary file.
        let recordBytes = fromData.stdout.split(separator: "\n").filter { $0.contains(#""kind":"project""#) }
            .reduce(0) { $0 + $1.utf8.count }
        XCTAssertGreaterThan(recordBytes, 2 * RecordSpill.memoryLimit)
    }

    func testOneBadProjectAmongThemLeavesNoRecord() throws {
        let dir = try fleet()
        let bad = relative(projectCount / 2)
        try projectDatafile("broken", organization: "/o/west-beta.yml", alerts: """
            - name: zero
              description: zero
              quantity: 0
              timespanMinutes: 1
              recipients:
              - provider: email-project-members
            """).write(toFile: dir + "/" + bad, atomically: true, encoding: .utf8)

        let result = try Tools.run("gt-desired", ["--data", dir])
        XCTAssertEqual(result.status, 1)
        let records = try result.records()
        XCTAssertEqual(records.count, 2, "stdout: \(result.stdout.prefix(2_000))")
        XCTAssertEqual(records.first?["kind"], "header")
        XCTAssertEqual(records.last?["kind"], "end")
        XCTAssertEqual(records.last?["complete"], false)
        XCTAssertFalse(result.stdout.contains(#""kind":"project""#))
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("\(dir)/\(bad)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("quantity must be a positive integer, got 0"), result.stderr)
    }
}
