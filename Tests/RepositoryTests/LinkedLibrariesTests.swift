import Foundation
import GTTestSupport
import XCTest

/// The targets are layered (docs/architecture.md, "Layers"): gt-diff reads two streams and
/// writes one, so it depends on the streams layer and the command line only, and its binary
/// links no network (libcurl), cache sealing (libcrypto), Redis (hiredis) or YAML library.
final class LinkedLibrariesTests: XCTestCase {
    /// The shared libraries `ldd` lists for a built tool, by soname.
    private func linkedLibraries(_ tool: String) throws -> [String] {
        let ldd = ["/usr/bin/ldd", "/bin/ldd"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let ldd else { throw XCTSkip("ldd is not installed: the linked libraries cannot be listed") }
        let binary = Tools.binDirectory.appendingPathComponent(tool).path
        let result = try Tools.run(ldd, [binary])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.split(separator: "\n").compactMap {
            $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init)
        }
    }

    func testGtDiffLinksNeitherNetworkNorCryptoNorRedisNorYAML() throws {
        let libraries = try linkedLibraries("gt-diff")
        XCTAssertTrue(libraries.contains { $0.hasPrefix("libjansson") }, "\(libraries)")
        for forbidden in ["libcurl", "libcrypto", "libhiredis", "libyaml"] {
            XCTAssertFalse(libraries.contains { $0.hasPrefix(forbidden) }, "gt-diff links \(forbidden): \(libraries)")
        }
    }

    /// The tools that talk to GlitchTip do link the GlitchTip layer: the check above looks at
    /// real ldd output, not at an empty list.
    func testGtCurrentLinksTheGlitchTipLayer() throws {
        let libraries = try linkedLibraries("gt-current")
        for needed in ["libcurl", "libcrypto", "libhiredis"] {
            XCTAssertTrue(libraries.contains { $0.hasPrefix(needed) }, "gt-current lacks \(needed): \(libraries)")
        }
    }
}
