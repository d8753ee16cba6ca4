import Foundation
import XCTest

/// Claims the docs make about the code, checked against the code: the POSTs sent again on
/// purpose, the tests the docs cite, and claims once found false that must not come back.
final class DocClaimsTests: XCTestCase {
    /// The Swift files under `folder`, by path.
    private func swiftFiles(under folder: String) throws -> [(path: String, text: String)] {
        let base = RepositoryText.root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
        return try walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted().map { path in
            ("\(folder)/\(path)", try RepositoryText.read("\(folder)/\(path)"))
        }
    }

    /// `HTTPClient` sends a POST again only when its caller passes `retryable: true`; every
    /// file that does is named in docs/safety.md, "The transport never resends", which says why.
    func testEveryRetriedPOSTIsNamedInSafetyMd() throws {
        let retrying = try swiftFiles(under: "Sources").filter { file in
            file.text.split(separator: "\n").contains { $0.contains("retryable: true") && !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
        }.map(\.path)
        XCTAssertGreaterThanOrEqual(retrying.count, 2, "the GraphQL query and Vault's login were not found: \(retrying)")
        let section = try RepositoryText.section("## The transport never resends", of: "docs/safety.md").joined(separator: "\n")
        let unnamed = retrying.filter { !section.contains($0) }
        XCTAssertEqual(unnamed, [], "POSTs sent again that docs/safety.md, \"The transport never resends\", does not name")
    }

    /// Every test class the docs cite (`FooTests`, `FooTests.testBar`, `FooTests/testBar`) is
    /// in Tests/, with the method cited.
    func testEveryTestTheDocsCiteExists() throws {
        let tests = try swiftFiles(under: "Tests")
        var missing: [String] = []
        var cited = 0
        for (path, text) in try RepositoryText.documents() {
            for citation in try RepositoryText.matches(#"\b([A-Z][A-Za-z0-9]*Tests(?:[./]test[A-Za-z0-9_]+)?)\b"#, in: text) {
                let parts = citation.split(whereSeparator: { $0 == "." || $0 == "/" }).map(String.init)
                if parts.count == 1, FileManager.default.fileExists(atPath: RepositoryText.root.appendingPathComponent("Tests/\(parts[0])").path) {
                    continue  // a test target
                }
                cited += 1
                let files = tests.filter { $0.text.contains("class \(parts[0]):") || $0.text.contains("class \(parts[0]) ") }
                if files.isEmpty || (parts.count == 2 && !files.contains { $0.text.contains("func \(parts[1])(") }) {
                    missing.append("\(path): \(citation)")
                }
            }
        }
        XCTAssertGreaterThan(cited, 20)
        XCTAssertEqual(missing, [], "cited in the docs, not in Tests/:\n" + missing.joined(separator: "\n"))
    }

    /// Claims once written and found false (issue 21), each with what is true instead.
    private static let refuted: [(claim: String, truth: String)] = [
        ("never retries a POST", "a GraphQL query and Vault's AppRole login are retried on purpose (docs/safety.md)"),
        ("never a POST", "a GraphQL query and Vault's AppRole login are retried on purpose (docs/safety.md)"),
        ("retried once", "SystemCall.retrying repeats a call for as long as it fails with EINTR"),
        ("every file system call goes through", "SystemCall, DirectoryListing and FileLock; libraries do their own I/O"),
        ("with `ldd`", "LinkedLibrariesTests reads NEEDED with readelf -d (ldd only for gt-diff's whole load set)"),
        ("GTCommonTests", "the tests are by layer (GTStreamsTests, GTHTTPTests, …) and RepositoryTests"),
    ]

    func testNoRefutedClaimIsBack() throws {
        var found: [String] = []
        for (path, text) in try RepositoryText.documents() {
            // Words, not lines: a claim wrapped over two lines is the same claim.
            let words = text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
            for (claim, truth) in Self.refuted where words.contains(claim.lowercased()) {
                found.append("\(path): \"\(claim)\": \(truth)")
            }
        }
        XCTAssertEqual(found, [], found.joined(separator: "\n"))
    }
}
