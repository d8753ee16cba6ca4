import Foundation
import GTTestSupport
@testable import ServeHTTP
import XCTest

/// The bounded inflate under gzip request bodies, on data the gzip program made.
final class GzipBodyTests: XCTestCase {
    private func gzip(_ shell: String) throws -> [UInt8] {
        let file = scratchDirectory().appendingPathComponent("data.gz")
        let result = try Tools.shell("\(shell) | gzip -c > '\(file.path)'")
        XCTAssertEqual(result.status, 0, result.stderr)
        return Array(try Data(contentsOf: file))
    }

    func testItInflatesUpToTheLimitAndNotAByteMore() throws {
        let data = try gzip("head -c 200000 /dev/zero")
        XCTAssertEqual(try GzipBody.inflate(data, limit: 200_000).get(), [UInt8](repeating: 0, count: 200_000))
        XCTAssertEqual(GzipBody.inflate(data, limit: 199_999), .failure(.overLimit(199_999)))
    }

    /// 256 MB of zeros in about 256 KB: refused at a 1 MB bound, having inflated at most that.
    func testABombStopsAtTheBound() throws {
        let bomb = try gzip("head -c 268435456 /dev/zero")
        XCTAssertLessThan(bomb.count, 1024 * 1024)
        XCTAssertEqual(GzipBody.inflate(bomb, limit: 1024 * 1024), .failure(.overLimit(1024 * 1024)))
    }

    func testConcatenatedMembersAreReadInTurn() throws {
        let one = try gzip("printf 'hello '")
        let two = try gzip("printf 'world'")
        XCTAssertEqual(try GzipBody.inflate(one + two, limit: 100).get(), Array("hello world".utf8))
    }

    func testWhatIsNotGzipIsInvalid() throws {
        let data = try gzip("printf 'some text'")
        for (name, bytes) in [("empty", [UInt8]()), ("plain", Array("some text".utf8)), ("cut", Array(data.dropLast(5))),
                              ("garbage after", data + [1, 2, 3]), ("corrupt", Array(data.prefix(12)) + [0xFF, 0xFF] + Array(data.dropFirst(14)))] {
            guard case .failure(.invalid) = GzipBody.inflate(bytes, limit: 1000) else {
                XCTFail("\(name): \(GzipBody.inflate(bytes, limit: 1000))")
                continue
            }
        }
    }
}
