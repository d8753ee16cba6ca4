import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// gt-adopt writes nothing from input it cannot trust, and says where (docs/adoption.md, "Exit status").
final class AdoptRefusalTests: SimulatorTestCase {
    private func run(_ scenario: Scenario, _ command: String) throws -> ToolResult {
        try Tools.shell("cd '\(scenario.directory.path)' && \(command)", environment: scenario.environment)
    }

    func testAnIncompleteOrFailedCurrentStreamIsRefusedAndNothingIsWritten() async throws {
        let scenario = try await AdoptFixture.scenario(for: self)
        XCTAssertEqual(try run(scenario, "gt-current --data data --quiet > current.ndjson").status, 0)
        let cut = try run(scenario, "head -n 2 current.ndjson | gt-adopt --data data --secret-path secret/a --write")
        XCTAssertEqual(cut.status, 1)
        XCTAssertTrue(cut.stderr.contains("without an end trailer"), cut.stderr)
        let error = #"{"instance":"gt","kind":"error","message":"gt: GlitchTip answered 500","scope":{"instance":"gt"}}"#
        let failed = try run(scenario, """
            { head -n 2 current.ndjson; echo '\(error)'; sed -n '3,$p' current.ndjson | grep -v '"kind":"end"'; \
              echo '{"complete":true,"errors":1,"kind":"end","records":4,"stream":"current"}'; } | gt-adopt --data data --secret-path secret/a --write
            """)
        XCTAssertEqual(failed.status, 1, failed.stderr)
        XCTAssertTrue(failed.stderr.contains("nothing is adopted from an incomplete listing"), failed.stderr)
        let web = try String(contentsOfFile: "\(scenario.dataDirectory)/projects/web.yml", encoding: .utf8)
        XCTAssertFalse(web.contains("ui-email"), "a refused run changed a datafile")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scenario.directory.path).filter { $0.hasPrefix("gt-adopt-secrets") }, [])
    }

    func testPatchAndWriteNeedTheDatafilesText() async throws {
        let scenario = try await AdoptFixture.scenario(for: self)
        let result = try run(scenario, "gt-current --data data --quiet | GT_DATA_DIR= gt-adopt --graphql http://127.0.0.1:9/graphql")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("--format patch and --write edit the datafiles' text, which only --data gives"), result.stderr)
    }

    func testASymlinkedDatafileIsNotWrittenThrough() async throws {
        let scenario = try await AdoptFixture.scenario(for: self)
        let dir = scenario.dataDirectory
        try FileManager.default.moveItem(atPath: "\(dir)/projects/web.yml", toPath: "\(scenario.directory.path)/elsewhere.yml")
        try FileManager.default.createSymbolicLink(atPath: "\(dir)/projects/web.yml", withDestinationPath: "\(scenario.directory.path)/elsewhere.yml")
        let result = try run(scenario, "gt-current --data data --quiet | gt-adopt --data data --secret-path secret/a --secrets-out s.sh --write")
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("not a regular file"), result.stderr)
    }

    func testBadFlagsExit64() throws {
        for arguments in [["--vault-write", "--secrets-out", "x"], ["--write", "--format", "yaml"], ["--secret-path", "nomount"],
                          ["--format", "json"]] {
            let result = try Tools.run("gt-adopt", arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.stderr)")
        }
    }
}

final class AdoptNothingTests: XCTestCase {
    /// An empty (or another fleet's) current stream is said to be one, not taken for a fleet with nothing to adopt.
    func testACurrentStreamWithNoManagedProjectIsNamedAsSuch() throws {
        let stream = #"{"generator":"t","kind":"header","stream":"current","version":1}"# + "\n"
            + #"{"complete":true,"errors":0,"kind":"end","records":0,"stream":"current"}"# + "\n"
        let result = try Tools.run("gt-adopt", ["--data", TestPaths.packageRoot.appendingPathComponent("examples/app-interface").path,
                                                "--format", "yaml"], stdin: stream)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.contains("the current stream holds no project of App-Interface's"), result.stderr)
    }
}
