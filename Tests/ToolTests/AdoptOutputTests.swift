import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// gt-adopt's three outputs agree, a new project gets a datafile with placeholders, and no
/// output ever holds a planted secret (docs/adoption.md, "Output").
final class AdoptOutputTests: SimulatorTestCase {
    private func run(_ scenario: Scenario, _ command: String) throws -> ToolResult {
        try Tools.shell("cd '\(scenario.directory.path)' && \(command)",
                        environment: scenario.environment.merging(["SOURCE_DATE_EPOCH": "1796601600"]) { $1 })
    }

    private func assertNoSecret(_ texts: [String], file: StaticString = #filePath, line: UInt = #line) {
        for text in texts {
            for planted in AdoptFixture.planted { XCTAssertFalse(text.contains(planted), "\(planted) in \(text)", file: file, line: line) }
        }
    }

    func testWriteChangesTheFilesAsThePatchWouldAndYamlPrintsTheSameEntries() async throws {
        let scenario = try await AdoptFixture.scenario(for: self)
        XCTAssertEqual(try run(scenario, "gt-current --data data --quiet > current.ndjson").status, 0)
        let patch = try run(scenario, "gt-adopt --data data --secret-path secret/a --secrets-out s1.sh current.ndjson")
        XCTAssertEqual(patch.status, 0, patch.stderr)
        let yaml = try run(scenario, "gt-adopt --data data --secret-path secret/a --secrets-out s2.sh --format yaml < current.ndjson")
        XCTAssertEqual(yaml.status, 0, yaml.stderr)
        let added = patch.stdout.split(separator: "\n").filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") }.map { String($0.dropFirst()) }
        let entries = yaml.stdout.split(separator: "\n").filter { !$0.hasPrefix("---") && !$0.hasPrefix("#") && $0 != "alerts:" }.map(String.init)
        XCTAssertEqual(added.filter { $0 != "alerts:" }, entries)
        XCTAssertTrue(yaml.stdout.contains("# data/projects/web.yml\nalerts:\n- name: "), yaml.stdout)

        try patch.stdout.write(toFile: "\(scenario.directory.path)/adopt.patch", atomically: true, encoding: .utf8)
        let copy = try run(scenario, "cp -r data patched && cd patched && patch -s -p2 < ../adopt.patch")
        XCTAssertEqual(copy.status, 0, copy.stderr)
        let write = try run(scenario, "chmod 0640 data/projects/web.yml && gt-adopt --data data --secret-path secret/a --secrets-out s3.sh --write current.ndjson")
        XCTAssertEqual(write.status, 0, write.stderr)
        XCTAssertEqual(write.stdout, "")
        XCTAssertTrue(write.stderr.contains("(written)"), write.stderr)
        for name in ["web", "api"] {
            let written = try String(contentsOfFile: "\(scenario.directory.path)/data/projects/\(name).yml", encoding: .utf8)
            let patched = try String(contentsOfFile: "\(scenario.directory.path)/patched/projects/\(name).yml", encoding: .utf8)
            XCTAssertEqual(written, patched, name)
        }
        let mode = try FileManager.default.attributesOfItem(atPath: "\(scenario.directory.path)/data/projects/web.yml")[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o640, "--write keeps the file's mode")
        for secrets in ["s1.sh", "s2.sh", "s3.sh"] {
            let mode = try FileManager.default.attributesOfItem(atPath: "\(scenario.directory.path)/\(secrets)")[.posixPermissions] as? Int
            XCTAssertEqual(mode, 0o600, secrets)
        }
        assertNoSecret([patch.stdout, patch.stderr, yaml.stdout, yaml.stderr, write.stderr,
                        try String(contentsOfFile: "\(scenario.directory.path)/data/projects/web.yml", encoding: .utf8),
                        try String(contentsOfFile: "\(scenario.directory.path)/data/projects/api.yml", encoding: .utf8)])
    }

    func testAProjectWithoutADatafileIsListedAndGetsOneWithPlaceholders() async throws {
        let scenario = try await AdoptFixture.scenario(for: self)
        try FileManager.default.removeItem(atPath: "\(scenario.dataDirectory)/projects/api.yml")
        let listed = try run(scenario, "gt-current --data data --quiet --all-projects | gt-adopt --data data --secret-path secret/a --secrets-out s.sh")
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertTrue(listed.stderr.contains("gt-adopt: gt/nasa/api: has no datafile in App-Interface (2 alerts in GlitchTip); --new-projects DIR writes one"),
                      listed.stderr)
        try FileManager.default.createDirectory(atPath: "\(scenario.directory.path)/drafts", withIntermediateDirectories: true)
        let drafted = try run(scenario, "gt-current --data data --quiet --all-projects | gt-adopt --data data --secret-path secret/a --secrets-out s2.sh --new-projects drafts")
        XCTAssertEqual(drafted.status, 0, drafted.stderr)
        let text = try String(contentsOfFile: "\(scenario.directory.path)/drafts/api.yml", encoding: .utf8)
        XCTAssertTrue(text.contains("$schema: /dependencies/glitchtip-project-1.yml\n"), text)
        XCTAssertTrue(text.contains("name: api\n"), text)
        XCTAssertTrue(text.contains("platform: TODO(gt-adopt)"), text)
        XCTAssertTrue(text.contains("- name: ui-chat\n"), text)
        XCTAssertTrue(text.contains("urlSecret:"), text)
        assertNoSecret([text, drafted.stderr, drafted.stdout, listed.stderr, listed.stdout])
        let secrets = try String(contentsOfFile: "\(scenario.directory.path)/s2.sh", encoding: .utf8)
        XCTAssertTrue(secrets.contains("planted-t0ken"), "the value went to the commands file")
        // Never replaced: a second run refuses and writes nothing else.
        let again = try run(scenario, "gt-current --data data --quiet --all-projects | gt-adopt --data data --secret-path secret/a --secrets-out s3.sh --new-projects drafts")
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("drafts/api.yml: already exists"), again.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(scenario.directory.path)/s3.sh"), "no secret is written when a datafile cannot be")
    }
}
