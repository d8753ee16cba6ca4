import Foundation
import GTStreams
import GTTestSupport
import Hummingbird
@testable import ServeHTTP
import XCTest


private let path = ServeHarness.path

/// Request bodies within bounds: gzip (`Content-Encoding: gzip`) inflated, a gzip bomb refused
/// before it expands, a body over the limit refused, an unknown encoding refused; a refused
/// body runs nothing.
final class RequestBodyTests: SimulatorTestCase {
    /// `shell`'s output file, gzip-compressed by the gzip program (not by the code under test).
    private func gzip(_ shell: String) throws -> [UInt8] {
        let file = scratchDirectory().appendingPathComponent("body.gz")
        let result = try Tools.shell("\(shell) | gzip -c > '\(file.path)'")
        XCTAssertEqual(result.status, 0, result.stderr)
        return Array(try Data(contentsOf: file))
    }

    private func gzip(_ json: JSONValue) throws -> [UInt8] {
        let plain = scratchDirectory().appendingPathComponent("body.json")
        try json.serialized().write(to: plain, atomically: true, encoding: .utf8)
        return try gzip("cat '\(plain.path)'")
    }

    private let gzipHeader: HTTPFields = [.contentEncoding: "gzip", .contentType: "application/json"]

    func testAGzipBodyIsReadAsItsInflatedJSON() async throws {
        let harness = try await ServeHarness.make(for: self)
        let token = harness.token()
        let compressed = try gzip(harness.body(Requests.myProject([Requests.alert("zipped")])))
        let headers = gzipHeader
        let result = try await harness.test(harness.runner()) { client in
            let posted = try await client.send(.post, path, token: token, raw: compressed, headers: headers)
            XCTAssertEqual(posted.status.code, 202, posted.text)
            let id = try XCTUnwrap(posted.json?["id"]?.stringValue)
            return try await client.send(.get, "\(path)/\(id)?timeout=60", token: token).json
        }
        XCTAssertEqual(result?["actions"]?.arrayValue?.first?["alert_name"], "zipped", "\(String(describing: result))")
    }

    /// 150 MB of zeros gzip to about 150 KB: refused (413) once the inflated bytes pass the
    /// 32 MB bound, never held whole.
    func testAGzipBombIsRefusedBeforeItExpands() async throws {
        let harness = try await ServeHarness.make(for: self)
        let token = harness.token()
        let bomb = try gzip("head -c 157286400 /dev/zero")
        XCTAssertLessThan(bomb.count, harness.settings.maxBodyBytes, "the bomb must pass the compressed limit")
        let headers = gzipHeader
        try await harness.test(harness.runner()) { client in
            let response = try await client.send(.post, path, token: token, raw: bomb, headers: headers)
            XCTAssertEqual(response.status.code, 413, response.text)
            XCTAssertEqual(response.json?["detail"], "the gzip request body inflates to more than 33554432 bytes, gt-serve's limit")
        }
    }

    func testABodyThatIsNotGzipIs400() async throws {
        let harness = try await ServeHarness.make(for: self)
        let token = harness.token()
        let good = try gzip(harness.body(Requests.myProject([])))
        let headers = gzipHeader
        try await harness.test(harness.runner()) { client in
            for (name, bytes) in [("plain JSON", Array(#"{"instances": []}"#.utf8)), ("cut short", Array(good.prefix(good.count / 2))),
                                  ("empty", []), ("trailing garbage", good + Array("garbage".utf8))] {
                let response = try await client.send(.post, path, token: token, raw: bytes, headers: headers)
                XCTAssertEqual(response.status.code, 400, name)
                let detail = response.json?["detail"]?.stringValue ?? ""
                XCTAssertTrue(detail.hasPrefix("the request body is not valid gzip (Content-Encoding: gzip): "), "\(name): \(detail)")
            }
        }
        let requests = try await harness.sim.requestLog().requests
        XCTAssertEqual(requests.count, 0)
    }

    /// Over the limit as sent: 413 from the Content-Length, before the body is read.
    func testABodyOverTheLimitIs413() async throws {
        var harness = try await ServeHarness.make(for: self)
        harness.settings.maxBodyBytes = 1000
        let token = harness.token()
        let big = Array(harness.body(Requests.myProject((0..<40).map { Requests.alert("alert-\($0)") })).serialized().utf8)
        XCTAssertGreaterThan(big.count, 1000)
        try await harness.test(harness.runner()) { client in
            let response = try await client.send(.post, path, token: token, raw: big, headers: [.contentType: "application/json"])
            XCTAssertEqual(response.status.code, 413, response.text)
            XCTAssertEqual(response.json?["detail"], "the request body is larger than 1000 bytes, gt-serve's limit (compressed or not)")
        }
    }

    /// Without a Content-Length (chunked), reading stops at the first piece past the limit.
    func testABodyWithoutALengthIsCutAtTheLimit() async throws {
        let reader = RequestBodyReader(maxBodyBytes: 100, maxInflatedBytes: 1000)
        let (body, source) = RequestBody.makeStream()
        let request = Request(head: HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: path), body: body)
        Task {
            for _ in 0..<4 { await source.yield(ByteBuffer(bytes: [UInt8](repeating: 0x20, count: 30))) }
            source.finish()
        }
        do {
            _ = try await reader.read(request)
            XCTFail("120 bytes read under a limit of 100")
        } catch {
            XCTAssertEqual(error.response.status.code, 413)
        }
    }

    func testTheDefaultLimitIsTenMegabytes() async throws {
        let harness = try await ServeHarness.make(for: self)
        XCTAssertEqual(harness.settings.maxBodyBytes, 10 * 1024 * 1024)
        XCTAssertEqual(harness.settings.maxInflatedBytes, 32 * 1024 * 1024)
        let token = harness.token()
        let over = [UInt8](repeating: 0x20, count: 10 * 1024 * 1024 + 1)
        try await harness.test(harness.runner()) { client in
            let response = try await client.send(.post, path, token: token, raw: over)
            XCTAssertEqual(response.status.code, 413, response.text)
        }
    }

    func testAnotherContentEncodingIs415() async throws {
        let harness = try await ServeHarness.make(for: self)
        let token = harness.token()
        let body = harness.body(Requests.myProject([]))
        try await harness.test(harness.runner()) { client in
            for encoding in ["br", "deflate", "gzip, br"] {
                let response = try await client.send(.post, path, token: token, json: body, headers: [.contentEncoding: encoding])
                XCTAssertEqual(response.status.code, 415, encoding)
            }
        }
    }
}
