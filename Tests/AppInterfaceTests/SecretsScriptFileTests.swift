import Foundation
@testable import AppInterface
import GTStreams
import GTTestSupport
import XCTest

/// The commands file on disk: new only, 0600 whatever the umask, never through a link.
final class SecretsScriptFileTests: XCTestCase {
    let secrets = [NewSecret(path: "secret/gt/prod/acme/api", fields: ["alert-1": "https://hooks.example.com/planted"])]

    func mode(_ path: String) throws -> Int {
        try XCTUnwrap((try FileManager.default.attributesOfItem(atPath: path))[.posixPermissions] as? Int)
    }

    func testTheFileIs0600EvenUnderUmask000() throws {
        let path = scratchDirectory().appendingPathComponent("vault-secrets.sh").path
        let previous = umask(0)
        defer { umask(previous) }
        try SecretsScript.write(secrets, to: path)
        XCTAssertEqual(try mode(path), 0o600)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), try SecretsScript.text(secrets))
    }

    func testAnExistingFileIsNeverReplaced() throws {
        let path = scratchDirectory().appendingPathComponent("vault-secrets.sh").path
        try "keep me\n".write(toFile: path, atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try SecretsScript.write(secrets, to: path)) { error in
            XCTAssertEqual("\(error)", "secret (all): \(path) exists already: the secrets file is never replaced; move it away or choose another name")
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "keep me\n")
    }

    /// A link, dangling or not, is refused: the secrets never land where it points.
    func testASymbolicLinkIsRefused() throws {
        let dir = scratchDirectory()
        let target = dir.appendingPathComponent("elsewhere").path
        let link = dir.appendingPathComponent("vault-secrets.sh").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        XCTAssertThrowsError(try SecretsScript.write(secrets, to: link)) { error in
            XCTAssertTrue("\(error)".contains("\(link) exists already"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: target), "the link was followed")
        try "x".write(toFile: target, atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try SecretsScript.write(secrets, to: link))
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "x")
    }

    func testAMissingDirectoryNamesThePathAndRefusedSecretsCreateNoFile() throws {
        let dir = scratchDirectory()
        let missing = dir.appendingPathComponent("no/such/dir/vault-secrets.sh").path
        XCTAssertThrowsError(try SecretsScript.write(secrets, to: missing)) { error in
            XCTAssertTrue("\(error)".hasPrefix("secret (all): \(missing) cannot be created:"), "\(error)")
        }
        let refused = dir.appendingPathComponent("refused.sh").path
        XCTAssertThrowsError(try SecretsScript.write([NewSecret(path: "secret/a", fields: ["f": "@planted"])], to: refused))
        XCTAssertFalse(FileManager.default.fileExists(atPath: refused))
    }
}
