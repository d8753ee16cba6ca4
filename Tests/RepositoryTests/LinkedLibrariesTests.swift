import Foundation
import GTTestSupport
import XCTest

/// The targets are layered (docs/architecture.md, "Layers"): gt-diff reads two streams and
/// writes one, so of the C libraries it links jansson only: no network (libcurl), cache sealing
/// (libcrypto), Redis (hiredis) or YAML. gt-desired never caches, so it links neither hiredis nor
/// libcrypto itself. "Links" is what the binary itself asks the loader for (`readelf -d`,
/// NEEDED): libcurl pulling in libcrypto is libcurl's, not the tool's.
final class LinkedLibrariesTests: XCTestCase {
    private struct MissingTool: Error, CustomStringConvertible {
        let description: String
    }

    /// The sonames a built tool names in its NEEDED entries.
    private func needed(_ tool: String) throws -> [String] {
        guard let readelf = ["/usr/bin/readelf", "/bin/readelf"].first(where: FileManager.default.isExecutableFile) else {
            throw MissingTool(description: "readelf is not installed (binutils, which the Swift toolchain needs too)")
        }
        let result = try Tools.run(readelf, ["-d", Tools.binDirectory.appendingPathComponent(tool).path])
        XCTAssertEqual(result.status, 0, result.stderr)
        // " 0x0000000000000001 (NEEDED)             Shared library: [libjansson.so.4]"
        let sonames = result.stdout.split(separator: "\n").filter { $0.contains("(NEEDED)") }.compactMap { line in
            line.split(separator: "[").last?.split(separator: "]").first.map(String.init)
        }
        XCTAssertFalse(sonames.isEmpty, "no NEEDED entry in \(tool): \(result.stdout)")
        return sonames
    }

    /// The shared libraries `ldd` lists for a built tool (what the loader maps, transitively), by soname.
    private func loaded(_ tool: String) throws -> [String] {
        let ldd = ["/usr/bin/ldd", "/bin/ldd"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let ldd else { throw XCTSkip("ldd is not installed: the linked libraries cannot be listed") }
        let binary = Tools.binDirectory.appendingPathComponent(tool).path
        let result = try Tools.run(ldd, [binary])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.split(separator: "\n").compactMap {
            $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init)
        }
    }

    private static let cLibraries = ["libjansson", "libcurl", "libcrypto", "libssl", "libhiredis", "libyaml", "libz"]

    func testGtDiffLinksJanssonOnly() throws {
        let libraries = try needed("gt-diff")
        XCTAssertEqual(Self.cLibraries.filter { c in libraries.contains { $0.hasPrefix(c + ".") || $0.hasPrefix(c + "-") } },
                       ["libjansson"], "\(libraries)")
    }

    func testGtDiffLinksNeitherNetworkNorCryptoNorRedisNorYAML() throws {
        let libraries = try loaded("gt-diff")
        XCTAssertTrue(libraries.contains { $0.hasPrefix("libjansson") }, "\(libraries)")
        for forbidden in ["libcurl", "libcrypto", "libhiredis", "libyaml", "libz"] {
            XCTAssertFalse(libraries.contains { $0.hasPrefix(forbidden) }, "gt-diff links \(forbidden): \(libraries)")
        }
    }

    func testGtDesiredLinksNeitherHiredisNorLibcrypto() throws {
        let libraries = try needed("gt-desired")
        for forbidden in ["libhiredis", "libcrypto"] {
            XCTAssertFalse(libraries.contains { $0.hasPrefix(forbidden) }, "gt-desired links \(forbidden): \(libraries)")
        }
        // What it does need: the check above reads real NEEDED entries, not an empty list.
        for wanted in ["libjansson", "libcurl", "libyaml"] {
            XCTAssertTrue(libraries.contains { $0.hasPrefix(wanted) }, "gt-desired lacks \(wanted): \(libraries)")
        }
    }

    /// The tools that talk to GlitchTip do link the GlitchTip layer: the checks above look at
    /// real output, not at an empty list.
    func testGtCurrentLinksTheGlitchTipLayer() throws {
        let libraries = try needed("gt-current")
        for needed in ["libcurl", "libcrypto", "libhiredis"] {
            XCTAssertTrue(libraries.contains { $0.hasPrefix(needed) }, "gt-current lacks \(needed): \(libraries)")
        }
    }

    /// README ("Install") names the C libraries each tool links, as `readelf -d` reads them.
    func testTheReadmeNamesTheLibrariesEachToolLinks() throws {
        var documented: [String: Set<String>] = [:]
        for line in try RepositoryText.section("### Install", of: "README.md") where line.hasPrefix("| ") {
            let row = RepositoryText.cells(line)
            guard row.count == 2, row[0].hasPrefix("gt-") else { continue }
            documented[row[0]] = Set(row[1].components(separatedBy: ", "))
        }
        for tool in Tools.programs {
            let libraries = try needed(tool)
            let linked = Self.cLibraries.filter { c in libraries.contains { $0.hasPrefix(c + ".") || $0.hasPrefix(c + "-") } }
            XCTAssertEqual(documented[tool], Set(linked), "README, Install: the C libraries \(tool) links")
        }
    }

    /// gt-serve's HTTP server (Hummingbird, SwiftNIO) and zlib are gt-serve's alone: no pipeline
    /// tool holds Hummingbird's code (its module name in no symbol) or links zlib itself.
    func testOnlyGtServeHasTheHTTPServerAndZlib() throws {
        func holdsHummingbird(_ tool: String) throws -> Bool {
            let binary = try Data(contentsOf: Tools.binDirectory.appendingPathComponent(tool))
            return binary.range(of: Data("11Hummingbird".utf8)) != nil
        }
        XCTAssertTrue(try holdsHummingbird("gt-serve"), "the check reads real symbols")
        XCTAssertTrue(try needed("gt-serve").contains { $0.hasPrefix("libz.") }, "gt-serve links zlib")
        for tool in ["gt-desired", "gt-current", "gt-diff", "gt-apply", "gt-adopt"] {
            XCTAssertFalse(try holdsHummingbird(tool), "\(tool) holds Hummingbird's code")
            XCTAssertFalse(try needed(tool).contains { $0.hasPrefix("libz.") }, "\(tool) links zlib")
        }
    }
}
