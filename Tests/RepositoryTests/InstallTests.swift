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
final class InstallTests: SimulatorTestCase {
    private var scenario: Scenario!

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
        let tools = Tools.programs
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
        scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "n")]], current: ["web": []])
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

    /// Relative --prefix and --bin-dir are the caller's: run from a directory outside the
    /// checkout, the install lands there, says where in full, and --uninstall finds it again.
    func testRelativePathsAreTheCallersWorkingDirectory() throws {
        let caller = scratchDirectory()
        let bin = caller.appendingPathComponent("built")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for tool in Tools.programs {
            try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent(tool),
                                                       withDestinationURL: Tools.binDirectory.appendingPathComponent(tool))
        }
        let checkout = TestPaths.packageRoot.path
        func checkoutStatus() throws -> String {
            let status = try Tools.shell("git -C '\(checkout)' status --porcelain --untracked-files=all")
            XCTAssertEqual(status.status, 0, status.stderr)
            return status.stdout
        }
        let before = try checkoutStatus()
        func fromCaller(_ arguments: String) throws -> ToolResult {
            try Tools.shell("cd '\(caller.path)' && '\(script)' \(arguments)")
        }

        let install = try fromCaller("--prefix rel-out --bin-dir built")
        XCTAssertEqual(install.status, 0, install.stderr)
        let prefix = caller.appendingPathComponent("rel-out")
        XCTAssertEqual(install.stdout, "installed gt in \(prefix.path) (manifest: \(prefix.path)/share/gt/install-manifest)\n")
        let installed = tree(prefix)
        XCTAssertTrue(installed.contains("bin/gt-apply") && installed.contains("share/gt/install-manifest"), "\(installed)")
        XCTAssertEqual(try Tools.run(prefix.appendingPathComponent("bin/gt-apply").path, ["--version"]).stdout, GTVersion.current + "\n")
        XCTAssertEqual(try checkoutStatus(), before, "the install wrote into the checkout")

        let uninstall = try fromCaller("--uninstall --prefix rel-out")
        XCTAssertEqual(uninstall.status, 0, uninstall.stderr)
        XCTAssertEqual(uninstall.stdout, "uninstalled gt from \(prefix.path)\n")
        XCTAssertEqual(tree(prefix), [])
        XCTAssertEqual(try checkoutStatus(), before)

        // A relative --bin-dir that is not there is named as the caller's.
        let missing = try fromCaller("--prefix rel-out --bin-dir nowhere")
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "install: \(caller.path)/nowhere/gt-desired is missing\n")
    }

    /// --uninstall removes only paths under the prefix, whatever the manifest says.
    func testAnEditedManifestCannotReachOutsideThePrefix() throws {
        let directory = scratchDirectory()
        let prefix = directory.appendingPathComponent("prefix")
        let outside = directory.appendingPathComponent("outside")
        try "keep\n".write(to: outside, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Tools.run(script, ["--prefix", prefix.path, "--bin-dir", Tools.binDirectory.path]).status, 0)
        let manifest = prefix.appendingPathComponent("share/gt/install-manifest")
        let recorded = try String(contentsOf: manifest, encoding: .utf8)
        for line in ["file ../outside", "file /etc/hostname", "dir bin/../..", "file ./bin/gt-apply"] {
            try (recorded + line + "\n").write(to: manifest, atomically: true, encoding: .utf8)
            let uninstall = try Tools.run(script, ["--uninstall", "--prefix", prefix.path])
            XCTAssertEqual(uninstall.status, 1, line)
            let listed = String(line.split(separator: " ", maxSplits: 1)[1])
            XCTAssertEqual(uninstall.stderr, "install: \(manifest.path) lists '\(listed)', not a path under the prefix: nothing removed\n")
            XCTAssertTrue(FileManager.default.fileExists(atPath: prefix.appendingPathComponent("bin/gt-apply").path), "removed before refusing")
        }
        XCTAssertEqual(try String(contentsOf: outside, encoding: .utf8), "keep\n")
        try recorded.write(to: manifest, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Tools.run(script, ["--uninstall", "--prefix", prefix.path]).status, 0)
        XCTAssertEqual(tree(prefix), [])
    }

    func testUsage() throws {
        let bad = try Tools.run(script, ["--bogus"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("unknown argument: --bogus"))
        XCTAssertEqual(try Tools.run(script, ["--help"]).status, 0)
        let empty = try Tools.run(script, ["--bin-dir", ""])
        XCTAssertEqual(empty.status, 64)
        XCTAssertEqual(empty.stderr, "install: --bin-dir must not be empty\n")
    }
}
