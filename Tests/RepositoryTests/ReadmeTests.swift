import Foundation
import GTTestSupport
import XCTest

/// The README documents every flag there is, and no flag that is not.
final class ReadmeTests: XCTestCase {
    private func flags(in text: String) -> Set<String> { Set(ReadmeFlags.flags(in: text)) }

    func testEveryFlagIsDocumentedAndEveryDocumentedFlagExists() throws {
        var helpFlags: Set<String> = []
        for tool in ["gt-desired", "gt-current", "gt-diff", "gt-apply", "gt-serve serve", "gt-serve token", "gt-adopt"] {
            helpFlags.formUnion(flags(in: try help(tool)))
        }
        for script in ["scripts/gt-reconcile", "scripts/bench", "scripts/install", "scripts/fuzz", "scripts/test"] {
            let path = TestPaths.packageRoot.appendingPathComponent(script).path
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let help = try Tools.run(path, ["--help"])
            XCTAssertEqual(help.status, 0, script)
            helpFlags.formUnion(flags(in: help.stdout))
        }
        let readme = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let documented = flags(in: readme)
        XCTAssertEqual(documented.subtracting(helpFlags).sorted(), [], "in the README but in no --help")
        XCTAssertEqual(helpFlags.subtracting(documented).sorted(), [], "in a --help but not in the README")
        XCTAssertGreaterThan(helpFlags.count, 15)
    }

    /// Where each command's flags are documented; bare flags in a section are its first command's.
    private static let sections: [(heading: String, commands: [String])] = [
        ("### gt-desired", ["gt-desired"]), ("### gt-current", ["gt-current"]), ("### gt-diff", ["gt-diff"]),
        ("### gt-apply", ["gt-apply"]), ("### gt-serve", ["gt-serve serve", "gt-serve token"]), ("### gt-adopt", ["gt-adopt"]), ("## The one command: `scripts/gt-reconcile`", ["scripts/gt-reconcile"]),
        ("## Benchmark", ["scripts/bench"]), ("### Install", ["scripts/install"]), ("## Development", ["scripts/fuzz", "scripts/test"]),
    ]

    /// `command --help`; a command of two words is a program and its subcommand (`gt-serve token`).
    private func help(_ command: String) throws -> String {
        let words = command.split(separator: " ").map(String.init)
        let path = command.hasPrefix("scripts/") ? TestPaths.packageRoot.appendingPathComponent(command).path : words[0]
        let help = try Tools.run(path, Array(words.dropFirst()) + ["--help"])
        XCTAssertEqual(help.status, 0, command)
        return help.stdout
    }

    /// Each command's flags in its own section, both ways: every flag its `--help` defines is
    /// documented there, every flag documented there is one it has. `--help` (and the four
    /// tools' `--version`, which "## The tools" documents for all of them) are everyone's. A
    /// flag a section shows with another of our commands must be one that command has.
    func testEachCommandsFlagsAreDocumentedInItsOwnSection() throws {
        let readme = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        var defined: [String: Set<String>] = [:]
        for command in Self.sections.flatMap(\.commands) { defined[command] = ReadmeFlags.defined(byHelp: try help(command)) }
        var elsewhere: [(command: String, flag: String, heading: String)] = []
        for (heading, commands) in Self.sections {
            let lines = try XCTUnwrap(ReadmeFlags.section(heading, of: readme), "no section \(heading)")
            let mentions = ReadmeFlags.attributed(lines, owner: commands[0])
            for command in commands {
                let own = Set(mentions.filter { $0.command == command }.map(\.flag))
                let everyones: Set<String> = command.hasPrefix("gt-") ? ["--help", "--version"] : ["--help"]
                let helpFlags = defined[command] ?? []
                XCTAssertEqual(helpFlags.subtracting(everyones).subtracting(own).sorted(), [],
                               "\(command): in its --help but not in README \"\(heading)\"")
                XCTAssertEqual(own.subtracting(helpFlags).sorted(), [], "\(command): in README \"\(heading)\" but not in its --help")
                XCTAssertTrue(helpFlags.isSuperset(of: everyones), "\(command) --help lacks \(everyones)")
            }
            elsewhere += mentions.filter { !commands.contains($0.command) }.map { ($0.command, $0.flag, heading) }
        }
        for mention in elsewhere {
            XCTAssertTrue(defined[mention.command]?.contains(mention.flag) ?? false,
                          "README \"\(mention.heading)\" shows \(mention.command) \(mention.flag), which it does not have")
        }
        let tools = try XCTUnwrap(ReadmeFlags.section("## The tools", of: readme, subsections: false)).joined(separator: "\n")
        XCTAssertTrue(tools.contains("`--help`") && tools.contains("`--version`"), "\"## The tools\" says every tool answers --help and --version")
        XCTAssertGreaterThan(defined.values.reduce(0) { $0 + $1.count }, 30)
    }
}
