import Foundation
import XCTest

/// README's opening paragraph says what `scripts/demo` and `scripts/test` install on a fresh
/// machine; it names exactly what the scripts install (scripts/lib/ensure-deps.sh, the
/// `ensure_deps` arguments, the pip installs), so a package added to a script is added there.
final class ReadmePackagesTests: XCTestCase {
    /// The packages `ensure_deps` always installs: its `wanted=(…)` list, without `"$@"`.
    private func alwaysInstalled() throws -> Set<String> {
        let script = try RepositoryText.read("scripts/lib/ensure-deps.sh")
        let list = try XCTUnwrap(try RepositoryText.matches(#"wanted=\(([^)]*)\)"#, in: script).first, "no wanted=(…) list")
        return Set(list.split(separator: " ").map(String.init).filter { !$0.hasPrefix("\"") })
    }

    /// What a script adds: the arguments of its `ensure_deps` lines and its `pip install`s.
    private func added(by path: String) throws -> Set<String> {
        let script = try RepositoryText.read(path)
        var packages: Set<String> = []
        for line in script.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
            let words = line.split(separator: " ").map(String.init)
            if let start = words.firstIndex(of: "ensure_deps") {
                packages.formUnion(words[(start + 1)...].prefix { !$0.hasPrefix("#") && !$0.hasPrefix("&") })
            }
            packages.formUnion(try RepositoryText.matches(#"pip install -q ([A-Za-z0-9._-]+)"#, in: String(line)))
        }
        return packages
    }

    /// The README paragraph that begins "Both install", as the packages it names for both
    /// scripts and those it names for `scripts/test` alone ("`scripts/test` also installs").
    private func documented() throws -> (both: Set<String>, testOnly: Set<String>) {
        let lines = try RepositoryText.read("README.md").split(separator: "\n", omittingEmptySubsequences: false)
        let start = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("Both install") }, "README: no \"Both install\" paragraph")
        let paragraph = lines[start...].prefix { !$0.isEmpty }.joined(separator: " ")
        let parts = paragraph.components(separatedBy: "`scripts/test` also installs")
        XCTAssertEqual(parts.count, 2, "README: no \"`scripts/test` also installs\" in: \(paragraph)")
        func packages(_ text: String) -> Set<String> {
            Set(RepositoryText.codeSpans(text).filter { $0.range(of: #"^[a-z0-9][a-z0-9.+-]*$"#, options: .regularExpression) != nil })
        }
        return (packages(parts[0]), packages(parts.count > 1 ? parts[1] : ""))
    }

    func testTheReadmeNamesWhatTheDemoAndTheTestsInstall() throws {
        let always = try alwaysInstalled()
        XCTAssertTrue(always.contains("libcurl4-openssl-dev"), "the wanted list was not read: \(always)")
        let demo = always.union(try added(by: "scripts/demo"))
        let test = always.union(try added(by: "scripts/test"))
        XCTAssertTrue(test.contains("pydantic"), "scripts/test's pip installs were not read: \(test)")
        let readme = try documented()
        XCTAssertEqual(readme.both.sorted(), demo.intersection(test).sorted(), "README's packages of both scripts")
        XCTAssertEqual(readme.both.union(readme.testOnly).sorted(), test.sorted(), "README's packages of scripts/test")
        XCTAssertEqual(demo.subtracting(test).sorted(), [], "scripts/demo installs what scripts/test does not")
    }
}
