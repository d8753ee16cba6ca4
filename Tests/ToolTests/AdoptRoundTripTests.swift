import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// The round trip (docs/adoption.md): adopt, apply the patch, store the secrets, and the
/// pipeline plans nothing for any adopted alert, on both GlitchTip dialects; the only actions
/// left are the deletes of what was left out, each named in gt-adopt's report.
final class AdoptRoundTripTests: SimulatorTestCase {
    func testAdoptApplyThenPlanNothingOn5x() async throws { try await assertRoundTrip([]) }
    func testAdoptApplyThenPlanNothingOn4x() async throws { try await assertRoundTrip(["--put-mode", "4x", "--dialect", "drf"]) }

    private func assertRoundTrip(_ simulatorArguments: [String], file: StaticString = #filePath, line: UInt = #line) async throws {
        let scenario = try await AdoptFixture.scenario(for: self, simulatorArguments: simulatorArguments)
        let dir = scenario.directory.path
        let env = scenario.environment.merging(["SOURCE_DATE_EPOCH": "1796601600"]) { $1 }
        let before = try scenario.plan()
        XCTAssertEqual(Set(before.map(\.type)), [.delete], file: file, line: line)
        XCTAssertEqual(before.count, 7, "every UI-made alert would be deleted", file: file, line: line)

        // git apply works from the top of a repository: the scenario directory is one.
        let adopt = try Tools.shell("""
            cd '\(dir)' && git init -q . && gt-current --data data --quiet > current.ndjson \
            && gt-adopt --data data --secret-path secret/gt-adopted --secrets-out secrets.sh current.ndjson > adopt.patch
            """, environment: env)
        XCTAssertEqual(adopt.status, 0, adopt.stderr, file: file, line: line)
        let patch = try String(contentsOfFile: "\(dir)/adopt.patch", encoding: .utf8)
        for output in [patch, adopt.stdout, adopt.stderr] {
            for planted in AdoptFixture.planted { XCTAssertFalse(output.contains(planted), "\(planted) in \(output)", file: file, line: line) }
        }
        XCTAssertTrue(patch.contains("+  description: Adopted from GlitchTip gt (alert pk"), patch, file: file, line: line)
        XCTAssertTrue(patch.contains("on 2026-12-07 by gt-adopt"), patch, file: file, line: line)
        XCTAssertTrue(adopt.stderr.contains("left out alert 'twice'"), adopt.stderr, file: file, line: line)
        XCTAssertTrue(adopt.stderr.contains("left out alert 'uptime-only'"), adopt.stderr, file: file, line: line)
        XCTAssertTrue(adopt.stderr.contains("are in secrets.sh (mode 0600)"), adopt.stderr, file: file, line: line)

        let fakeVault = try AdoptFixture.fakeVault(in: scenario.directory, secretsFile: env["GT_SECRETS_FILE"]!)
        let apply = try Tools.shell("cd '\(dir)' && git apply --check adopt.patch && git apply adopt.patch && PATH='\(fakeVault)':$PATH sh secrets.sh",
                                    environment: env)
        XCTAssertEqual(apply.status, 0, apply.stderr, file: file, line: line)

        let after = try scenario.plan()
        XCTAssertEqual(after.map(\.type), [.delete, .delete, .delete], "\(after.map(\.alertName))", file: file, line: line)
        XCTAssertEqual(Set(after.map(\.alertName)), ["twice", "uptime-only"], file: file, line: line)
        let data = try String(contentsOfFile: "\(dir)/data/projects/web.yml", encoding: .utf8)
            + String(contentsOfFile: "\(dir)/data/projects/api.yml", encoding: .utf8)
        for planted in AdoptFixture.planted { XCTAssertFalse(data.contains(planted), planted, file: file, line: line) }
        XCTAssertTrue(data.contains("urlSecret:"), data, file: file, line: line)

        // A second adoption finds nothing new to add.
        let again = try Tools.shell("cd '\(dir)' && gt-current --data data --quiet --refresh | gt-adopt --data data --secret-path secret/gt-adopted",
                                    environment: env)
        XCTAssertEqual(again.status, 0, again.stderr, file: file, line: line)
        XCTAssertEqual(again.stdout, "", file: file, line: line)
    }
}
