import Foundation
import GTTestSupport
import XCTest

/// docs/architecture.md, "Layers", is Package.swift drawn: its table lists every target under
/// Sources/ with its folder and exactly the dependencies the manifest declares, and its drawing
/// puts every target in a row above everything it depends on.
final class ArchitectureDocTests: XCTestCase {
    private struct Target {
        let name: String
        let path: String
        let dependencies: Set<String>
    }

    /// The targets under Sources/, as SwiftPM reads the manifest (`swift package dump-package`,
    /// in a scratch directory of its own: the test run holds the lock of `.build`).
    private func manifestTargets() throws -> [String: Target] {
        let scratch = scratchDirectory().path
        let dump = try Tools.run("/usr/bin/env", ["swift", "package", "--scratch-path", scratch, "dump-package"])
        XCTAssertEqual(dump.status, 0, dump.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        var targets: [String: Target] = [:]
        for target in try XCTUnwrap(json["targets"] as? [[String: Any]]) {
            let name = try XCTUnwrap(target["name"] as? String)
            let path = target["path"] as? String ?? "Sources/\(name)"
            guard target["type"] as? String != "test", path.hasPrefix("Sources/") else { continue }
            let dependencies = (target["dependencies"] as? [[String: Any]] ?? []).compactMap { dependency in
                dependency.values.compactMap { ($0 as? [Any])?.first as? String }.first
            }
            targets[name] = Target(name: name, path: path, dependencies: Set(dependencies))
        }
        return targets
    }

    /// The "Layers" section of docs/architecture.md.
    private func layersSection() throws -> [Substring] {
        let text = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("docs/architecture.md"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try XCTUnwrap(lines.firstIndex(of: "## Layers"), "no Layers section")
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("## ") } ?? lines.endIndex
        return Array(lines[(start + 1)..<end])
    }

    private func cells(_ line: Substring) -> [String] {
        line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "") }
    }

    func testTheTableIsPackageSwift() throws {
        let manifest = try manifestTargets()
        XCTAssertGreaterThan(manifest.count, 15)
        var documented: [String: (path: String, dependencies: Set<String>)] = [:]
        for line in try layersSection() where line.hasPrefix("| ") {
            let row = cells(line)
            guard row.count == 4, manifest[row[0]] != nil || row[0].first?.isUppercase == true || row[0].hasPrefix("gt-"),
                  row[0] != "target" else { continue }
            let dependencies = row[3] == "—" ? [] : row[3].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            documented[row[0]] = (row[1], Set(dependencies))
        }
        XCTAssertEqual(Set(documented.keys), Set(manifest.keys), "targets in the table against Package.swift")
        for (name, target) in manifest {
            guard let row = documented[name] else { continue }
            XCTAssertEqual(row.dependencies, target.dependencies, "\(name): the table against Package.swift")
            XCTAssertEqual(row.path, target.path, "\(name): its folder")
        }
    }

    func testTheDrawingPutsEveryTargetAboveWhatItUses() throws {
        let manifest = try manifestTargets()
        let section = try layersSection()
        let start = try XCTUnwrap(section.firstIndex(where: { $0.hasPrefix("    tools") }), "no drawing")
        var row: [String: Int] = [:]
        for (index, line) in section[start...].prefix(while: { $0.hasPrefix("    ") }).enumerated() {
            for word in line.split(separator: " ") where manifest[String(word)] != nil {
                XCTAssertNil(row[String(word)], "\(word) drawn twice")
                row[String(word)] = index
            }
        }
        XCTAssertEqual(Set(row.keys), Set(manifest.keys), "targets in the drawing against Package.swift")
        for (name, target) in manifest {
            for dependency in target.dependencies where manifest[dependency] != nil {
                guard let from = row[name], let to = row[dependency] else { continue }
                XCTAssertGreaterThan(to, from, "\(name) uses \(dependency), which is not drawn below it")
            }
        }
    }

    /// Every `Sources/…` path docs/ and README name is a file or folder of the checkout: a
    /// reader who follows one finds the code (the layout moved under Sources/GTCommon/ once).
    func testEverySourcesPathTheDocsNameExists() throws {
        var missing: [String] = []
        for (path, text) in try RepositoryText.documents() {
            for named in try RepositoryText.matches(#"(Sources/[A-Za-z0-9_+./-]*[A-Za-z0-9_/])"#, in: text)
            where !FileManager.default.fileExists(atPath: RepositoryText.root.appendingPathComponent(named).path) {
                missing.append("\(path): \(named)")
            }
        }
        XCTAssertEqual(missing, [], "named in the docs, not in the checkout:\n" + missing.joined(separator: "\n"))
    }

    /// "Targets and folders" has one row per folder under Tests/, and no row for a folder that
    /// is not there.
    func testTheTestFolderTableIsTests() throws {
        let tests = RepositoryText.root.appendingPathComponent("Tests")
        let folders = try FileManager.default.contentsOfDirectory(at: tests, includingPropertiesForKeys: [.isDirectoryKey])
            .filter { try $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory == true }.map { "Tests/\($0.lastPathComponent)" }
        XCTAssertGreaterThan(folders.count, 10)
        let rows = try RepositoryText.section("## Targets and folders", of: "docs/architecture.md").filter { $0.hasPrefix("| ") }
            .compactMap { RepositoryText.cells($0).first }.flatMap { $0.components(separatedBy: ", ") }
            .filter { $0.hasPrefix("Tests/") }
        XCTAssertEqual(rows.count, Set(rows).count, "a Tests/ folder with two rows: \(rows)")
        XCTAssertEqual(Set(rows).subtracting(folders).sorted(), [], "a row for a folder Tests/ does not have")
        XCTAssertEqual(Set(folders).subtracting(rows).sorted(), [], "a folder of Tests/ without a row")
    }
}
