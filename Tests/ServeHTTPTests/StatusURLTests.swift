import GTStreams
import GTTestSupport
import Hummingbird
import NIOCore
import ServeHTTP
import XCTest

private let path = ServeHarness.path

/// `status_url` names the request's Host; without a usable one, the address the client's
/// connection reached; without that, the address gt-serve bound (the port `--port 0` took),
/// an unspecified one as loopback.
final class StatusURLTests: SimulatorTestCase {
    /// The status_url of a POST by gt-serve run with `--host host --port 0`, which bound `boundIP`
    /// port 41234 once its router was made (as `onServerRunning` says it).
    private func statusURL(_ harness: ServeHarness, host: String, boundIP: String, authority: String?,
                           localAddress: SocketAddress?) async throws -> String {
        let token = harness.token()
        let body = harness.body(Requests.myProject([]))
        let address = ServeAddress(host: host, port: 0)
        return try await harness.test(harness.runner(), address: address) { client in
            address.bound(ip: boundIP, port: 41234)
            let response = try await client.send(.post, path, token: token, json: body, authority: authority, localAddress: localAddress)
            XCTAssertEqual(response.status.code, 202, response.text)
            let id = try XCTUnwrap(response.json?["id"]?.stringValue)
            _ = try await client.send(.get, "\(path)/\(id)?timeout=60", token: token)
            return try XCTUnwrap(response.json?["status_url"]?.stringValue).replacingOccurrences(of: "/\(id)", with: "/ID")
        }
    }

    func testWithoutHostTheConnectionsAddressIsSaid() async throws {
        let harness = try await ServeHarness.make(for: self)
        let v4Connection = try SocketAddress(ipAddress: "10.1.2.3", port: 5555)
        let v4 = try await statusURL(harness, host: "0.0.0.0", boundIP: "0.0.0.0", authority: nil, localAddress: v4Connection)
        XCTAssertEqual(v4, "http://10.1.2.3:5555\(path)/ID")
        let v6Connection = try SocketAddress(ipAddress: "fd00::7", port: 5555)
        let v6 = try await statusURL(harness, host: "0.0.0.0", boundIP: "0.0.0.0", authority: "bad host!", localAddress: v6Connection)
        XCTAssertEqual(v6, "http://[fd00::7]:5555\(path)/ID")
        let given = try await statusURL(harness, host: "0.0.0.0", boundIP: "0.0.0.0", authority: "gt.example.com:443",
                                        localAddress: v4Connection)
        XCTAssertEqual(given, "http://gt.example.com:443\(path)/ID", "a usable Host is said as sent")
    }

    /// `--port 0`: the port taken, never 0; `--host 0.0.0.0` / `::`: loopback.
    func testWithoutHostOrConnectionTheBoundPortIsSaid() async throws {
        let harness = try await ServeHarness.make(for: self)
        let cases: [(String, String, String)] = [("127.0.0.1", "127.0.0.1", "127.0.0.1:41234"), ("0.0.0.0", "0.0.0.0", "127.0.0.1:41234"),
                                                 ("::", "::", "[::1]:41234"), ("localhost", "::1", "[::1]:41234")]
        for (host, ip, expected) in cases {
            let url = try await statusURL(harness, host: host, boundIP: ip, authority: nil, localAddress: nil)
            XCTAssertEqual(url, "http://\(expected)\(path)/ID", host)
        }
        XCTAssertEqual(ServeAddress(host: "::", port: 8000).current, "[::1]:8000", "before it runs: --host and --port")
        XCTAssertEqual(ServeAddress(host: "gt.internal", port: 8000).current, "gt.internal:8000")
    }
}
