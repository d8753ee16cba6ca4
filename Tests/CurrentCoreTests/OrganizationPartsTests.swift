import CurrentCore
import GTGlitchTip
import GTStreams
import XCTest

/// gt-current's stream laid out before anything is fetched (docs/streams.md, "Order";
/// docs/architecture.md, "Organization matching"), in process: which organizations are read,
/// refused or missing, in what order, and which projects of one are fetched or missing.
final class OrganizationPartsTests: XCTestCase {
    private let glitchtip = [
        GlitchTipOrganization(name: "Space Agency", slug: "nasa"),
        GlitchTipOrganization(name: "Acme", slug: "acme"),
        GlitchTipOrganization(name: "Twin", slug: "twin-1"),
        GlitchTipOrganization(name: "Twin", slug: "twin-2"),
    ]

    /// Each part in order: `fetch <name> -> <slug> [slugs]`, or the records' kinds and messages.
    private func describe(_ parts: [OrganizationParts.Part]) throws -> [String] {
        try parts.map { part in
            switch part {
            case .fetch(let target):
                return "fetch \(target.name) -> \(target.organization.slug) \(target.projects ?? ["*"])"
            case .records(let records):
                return try records.map { record in
                    let json = try JSONValue(parsing: record.bytes)
                    return "\(record.kind.rawValue) \(json["scope"]?["organization"]?.stringValue ?? json["organization"]?.stringValue ?? "")"
                        + (record.message.map { ": \($0)" } ?? "")
                }.joined(separator: " | ")
            }
        }
    }

    func testManagedOrganizationsMatchByNameThenSlugAndComeInNameOrder() throws {
        let parts = OrganizationParts(instance: "gt", managed: ["nasa": ["b", "a"], "Acme": ["web"], "Gone": ["x"]], allProjects: false)
            .parts(of: glitchtip)
        XCTAssertEqual(try describe(parts), [
            "fetch Acme -> acme [\"web\"]",
            "missing Gone | warning Gone: Organization 'Gone' not found in instance 'gt', skipping",
            "fetch nasa -> nasa [\"a\", \"b\"]",
        ])
    }

    func testTwoAppInterfaceOrganizationsResolvingToOneAreBothRefused() throws {
        // "Space Agency" by name and "nasa" by slug are the same GlitchTip organization.
        let parts = OrganizationParts(instance: "gt", managed: ["Space Agency": ["web"], "nasa": ["web", "api"]], allProjects: false)
            .parts(of: glitchtip)
        let described = try describe(parts)
        XCTAssertEqual(described.count, 2)
        for line in described {
            XCTAssertTrue(line.hasPrefix("error "), line)
            XCTAssertTrue(line.contains("both resolve to GlitchTip organization 'nasa' and both declare project 'web'"), line)
        }
        // Different projects under them are different GlitchTip projects: no refusal.
        let apart = OrganizationParts(instance: "gt", managed: ["Space Agency": ["web"], "nasa": ["api"]], allProjects: false)
            .parts(of: glitchtip)
        XCTAssertEqual(try describe(apart), ["fetch Space Agency -> nasa [\"web\"]", "fetch nasa -> nasa [\"api\"]"])
    }

    func testANameGlitchTipGivesTwoOrganizationsIsRefusedNeverGuessed() throws {
        let managed = OrganizationParts(instance: "gt", managed: ["Twin": ["web"]], allProjects: false).parts(of: glitchtip)
        XCTAssertEqual(try describe(managed), [
            "error Twin: gt/Twin: GlitchTip has 2 organizations named 'Twin' (slugs 'twin-1', 'twin-2'); refusing to guess "
                + "which one App-Interface means: rename all but one in GlitchTip",
        ])
        let everything = OrganizationParts(instance: "gt", managed: [:], allProjects: true).parts(of: glitchtip)
        XCTAssertEqual(try describe(everything), [
            "fetch Acme -> acme [\"*\"]",
            "fetch Space Agency -> nasa [\"*\"]",
            "error Twin: gt/Twin: GlitchTip has 2 organizations named 'Twin' (slugs 'twin-1', 'twin-2'); the stream names an "
                + "organization by its name, so none of them is listed",
        ])
    }

    func testAnOrganizationsItemsComeBySlugWithMissingManagedProjects() throws {
        let projects = [GlitchTipProject(name: "Web", slug: "web"), GlitchTipProject(name: "Api", slug: "api"),
                        GlitchTipProject(name: "Zeta", slug: "Zeta")]
        let managed = OrganizationParts.items(name: "Acme", projects: projects, managed: ["web", "absent"], instance: "gt")
        XCTAssertEqual(managed.map(Self.describe), ["missing absent: Project 'absent' not found in org 'Acme', skipping", "project web"])
        // Every project, by UTF-8 bytes: capitals first.
        let all = OrganizationParts.items(name: "Acme", projects: projects, managed: nil, instance: "gt")
        XCTAssertEqual(all.map(Self.describe), ["project Zeta", "project api", "project web"])
    }

    private static func describe(_ item: OrganizationParts.Item) -> String {
        switch item {
        case .project(let project): "project \(project.slug)"
        case .records(let records):
            "\(records[0].kind.rawValue) " + ((try? JSONValue(parsing: records[0].bytes))?["project"]?.stringValue ?? "")
                + ": " + (records[1].message ?? "")
        }
    }
}
