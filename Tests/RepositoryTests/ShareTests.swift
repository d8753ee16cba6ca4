import Foundation
import GTTestSupport
import XCTest

/// share/ (completions and man pages, made by scripts/gen-share) matches the tools as built.
final class ShareTests: XCTestCase {
    private let tools = Tools.programs
    private let share = TestPaths.packageRoot.appendingPathComponent("share")

    private func committed(_ path: String) throws -> String {
        try String(contentsOf: share.appendingPathComponent(path), encoding: .utf8)
    }

    func testCompletionsAreUpToDate() throws {
        for tool in tools {
            for (shell, path) in [("bash", "completions/bash/\(tool)"), ("zsh", "completions/zsh/_\(tool)"),
                                  ("fish", "completions/fish/\(tool).fish")] {
                let fresh = try Tools.run(tool, ["--generate-completion-script", shell])
                XCTAssertEqual(fresh.status, 0)
                XCTAssertEqual(fresh.stdout, try committed(path), "\(path) is out of date: run scripts/gen-share")
            }
        }
    }

    func testManPagesAreUpToDate() throws {
        let generator = Tools.binDirectory.appendingPathComponent("generate-manual").path
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: generator),
                      "build it first: swift build --product generate-manual (scripts/test does)")
        let out = scratchDirectory()
        for tool in tools {
            let run = try Tools.run(generator, [Tools.binDirectory.appendingPathComponent(tool).path, "--date", "2026-11-29",
                                                "-o", out.path])
            XCTAssertEqual(run.status, 0, run.stderr)
            let fresh = try String(contentsOf: out.appendingPathComponent("\(tool).1"), encoding: .utf8)
            XCTAssertEqual(fresh, try committed("man/man1/\(tool).1"), "man page of \(tool) is out of date: run scripts/gen-share")
        }
    }
}
