import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTTestSupport
import XCTest

/// scripts/install: the tools, gt-reconcile, completions and man pages under a prefix; the
/// installed tools run from there (gt-reconcile finds its siblings); --uninstall removes exactly
/// what was installed. The tools come from this build (--bin-dir), so the test adds no release
/// build; scripts/test installs the release build scripts/demo made, too.
final class InstallTests: XCTestCase {
    private var scenario: Scenario!

    override func tearDown() async throws { scenario?.sim.stop() }

    private var script: String { TestPaths.packageRoot.appendingPathComponent("scripts/install").path }

    /// Every file and directory under `root`, relative, sorted.
    private func tree(_ root: URL) -> [String] {
        let paths = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        return paths.sorted()
    }

    func testInstallRunFromThePrefixAndUninstall() async throws {
        let prefix = scratchDirectory().appendingPathComponent("prefix")
        // Something of someone else's already under the prefix: an uninstall must leave it.
        let foreign = prefix.appendingPathComponent("share/man/man1/other.1")
        try FileManager.default.createDirectory(at: foreign.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "other\n".write(to: foreign, atomically: true, encoding: .utf8)
        let before = tree(prefix)

        let install = try Tools.run(script, ["--prefix", prefix.path, "--bin-dir", Tools.binDirectory.path])
        XCTAssertEqual(install.status, 0, install.stderr)
        let tools = ["gt-desired", "gt-current", "gt-diff", "gt-apply"]
        var expected = ["bin/gt-reconcile", "share/gt/install-manifest"]
        for tool in tools {
            expected += ["bin/\(tool)", "share/bash-completion/completions/\(tool)", "share/zsh/site-functions/_\(tool)",
                         "share/fish/vendor_completions.d/\(tool).fish", "share/man/man1/\(tool).1"]
        }
        let installed = Set(tree(prefix))
        for path in expected { XCTAssertTrue(installed.contains(path), "\(path) not installed") }
        for tool in tools {
            XCTAssertTrue(FileManager.default.isExecutableFile(atPath: prefix.appendingPathComponent("bin/\(tool)").path))
            let version = try Tools.run(prefix.appendingPathComponent("bin/\(tool)").path, ["--version"])
            XCTAssertEqual(version.status, 0, version.stderr)
            XCTAssertEqual(version.stdout, GTVersion.current + "\n")
            let page = try String(contentsOf: prefix.appendingPathComponent("share/man/man1/\(tool).1"), encoding: .utf8)
            XCTAssertEqual(page, try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("share/man/man1/\(tool).1"), encoding: .utf8))
        }
        let completion = try Tools.run("/bin/bash", ["-c", "source '\(prefix.path)/share/bash-completion/completions/gt-apply' && complete -p gt-apply"])
        XCTAssertEqual(completion.status, 0, completion.stderr)

        // The installed gt-reconcile runs the installed tools, with neither GT_BIN_DIR nor the
        // build on PATH.
        scenario = try await Scenario.make(in: scratchDirectory(), desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
        let reconcile = try Tools.run(prefix.appendingPathComponent("bin/gt-reconcile").path,
                                      ["--data", scenario.dataDirectory, "--no-dry-run", "--format", "ndjson"],
                                      environment: scenario.environment.merging(["GT_BIN_DIR": "", "PATH": "/usr/bin:/bin"]) { $1 })
        XCTAssertEqual(reconcile.status, 0, reconcile.stderr)
        XCTAssertEqual(try summary(reconcile)?["applied_count"], 1)
        XCTAssertTrue(try reconcile.records().first?["generator"]?.stringValue?.hasPrefix("gt-apply ") ?? false)

        // Uninstall: the prefix is as it was, the foreign file included.
        let uninstall = try Tools.run(script, ["--uninstall", "--prefix", prefix.path])
        XCTAssertEqual(uninstall.status, 0, uninstall.stderr)
        XCTAssertEqual(tree(prefix), before)
        XCTAssertEqual(try String(contentsOf: foreign, encoding: .utf8), "other\n")

        // A second uninstall has nothing to remove, and says so.
        let again = try Tools.run(script, ["--uninstall", "--prefix", prefix.path])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("no manifest"), again.stderr)
    }

    func testUsage() throws {
        let bad = try Tools.run(script, ["--bogus"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("unknown argument: --bogus"))
        XCTAssertEqual(try Tools.run(script, ["--help"]).status, 0)
    }
}
