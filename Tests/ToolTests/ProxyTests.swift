import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest

/// A real forward proxy (tinyproxy) between gt and GlitchTip (README, "Behind a company
/// network"): `http_proxy`, `https_proxy`/`HTTPS_PROXY` and `no_proxy` as libcurl reads them,
/// and a proxy password never printed.
final class ProxyTests: SimulatorTestCase {
    private var proxies = 0

    private func proxy(_ dir: URL, basicAuth: (String, String)? = nil) throws -> TinyProxy {
        let proxyDir = dir.appendingPathComponent("proxy-\(proxies)")
        proxies += 1
        try FileManager.default.createDirectory(at: proxyDir, withIntermediateDirectories: true)
        return try startProxy(in: proxyDir, basicAuth: basicAuth)
    }

    private func scenario(in dir: URL, tls: TestCertificateAuthority? = nil) async throws -> Scenario {
        let scenario = try await Scenario.make(for: self, in: dir.appendingPathComponent("scenario"),
                                               desired: ["api": [DeclaredAlert(name: "errors")]],
                                               current: ["api": []], tls: tls)
        return scenario
    }

    /// The plan: `gt-desired | gt-diff <(gt-current --refresh)`, with `network` set.
    private func plan(_ scenario: Scenario, _ network: [String: String]) throws -> ToolResult {
        let d = scenario.dataDirectory
        return try Tools.shell("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet --refresh)",
                               environment: scenario.environment.merging(network) { $1 })
    }

    private func actions(_ result: ToolResult) throws -> Int {
        try result.body().filter { $0["kind"] == "action" }.count
    }

    func testPlainHTTPGoesThroughHttpProxyAndApplies() async throws {
        let dir = scratchDirectory()
        let scenario = try await scenario(in: dir)
        let proxy = try proxy(dir)
        let network = ["http_proxy": proxy.url]
        let applied = try scenario.pipeline(apply: true, environment: network)
        XCTAssertEqual(applied.status, 0, applied.stderr)
        let requests = proxy.requests()
        let origin = "http://127.0.0.1:\(scenario.sim.port)/api/0/"
        XCTAssertTrue(requests.contains { $0.hasPrefix("GET \(origin)organizations/") }, "\(requests)")
        XCTAssertTrue(requests.contains { $0.hasPrefix("POST \(origin)projects/nasa/api/alerts/") }, "\(requests)")
        XCTAssertEqual(try actions(try plan(scenario, network)), 0, "the next plan is empty")
    }

    func testHTTPSGoesThroughTheProxyInATunnelWithEitherSpelling() async throws {
        let dir = scratchDirectory()
        let ca = try TestCertificateAuthority(in: dir)
        let scenario = try await scenario(in: dir, tls: ca)
        for variable in ["https_proxy", "HTTPS_PROXY"] {
            let proxy = try proxy(dir)
            let result = try plan(scenario, [variable: proxy.url, "GT_CA_BUNDLE": ca.caFile])
            XCTAssertEqual(result.status, 0, "\(variable): \(result.stderr)")
            XCTAssertEqual(try actions(result), 1, variable)
            XCTAssertTrue(proxy.requests().contains("CONNECT 127.0.0.1:\(scenario.sim.port) HTTP/1.1"),
                          "\(variable): \(proxy.requests())")
        }
        // http_proxy is for http:// URLs only, as with curl.
        let unused = try proxy(dir)
        let result = try plan(scenario, ["http_proxy": unused.url, "GT_CA_BUNDLE": ca.caFile])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(unused.requests(), [])
    }

    func testNoProxyBypassesTheProxy() async throws {
        let dir = scratchDirectory()
        let scenario = try await scenario(in: dir)
        for noProxy in [["no_proxy": "127.0.0.1"], ["NO_PROXY": "localhost,127.0.0.1"], ["no_proxy": "*"]] {
            let proxy = try proxy(dir)
            let result = try plan(scenario, ["http_proxy": proxy.url].merging(noProxy) { $1 })
            XCTAssertEqual(result.status, 0, "\(noProxy): \(result.stderr)")
            XCTAssertEqual(try actions(result), 1)
            XCTAssertEqual(proxy.requests(), [], "\(noProxy)")
        }
    }

    func testProxyCredentialsAreUsedAndNeverPrinted() async throws {
        let dir = scratchDirectory()
        let scenario = try await scenario(in: dir)
        let secret = "planted-proxy-passw0rd"
        let proxy = try proxy(dir, basicAuth: ("gtuser", secret))

        let authorised = try plan(scenario, ["http_proxy": "http://gtuser:\(secret)@127.0.0.1:\(proxy.port)"])
        XCTAssertEqual(authorised.status, 0, authorised.stderr)
        XCTAssertEqual(try actions(authorised), 1)
        XCTAssertFalse(proxy.requests().isEmpty)

        let failures = [
            // The proxy refuses the password (407).
            try plan(scenario, ["http_proxy": "http://gtuser:wrong-\(secret)@127.0.0.1:\(proxy.port)"]),
            // Nothing listens where the proxy should be.
            try plan(scenario, ["http_proxy": "http://gtuser:\(secret)@127.0.0.1:1"]),
            try Tools.run("gt-current", ["--data", scenario.dataDirectory, "--refresh"],
                          environment: scenario.environment.merging(["http_proxy": "http://gtuser:\(secret)@127.0.0.1:1"]) { $1 }),
            // URLs libcurl cannot parse, which it quotes whole in its message.
            try plan(scenario, ["http_proxy": "http://gtuser:planted proxy \(secret)@127.0.0.1:\(proxy.port)"]),
            try plan(scenario, ["http_proxy": "gtuser:planted proxy \(secret)@127.0.0.1:\(proxy.port)"]),
            try plan(scenario, ["http_proxy": "http://gtuser:\(secret)@[::1"]),
        ]
        for result in failures {
            XCTAssertNotEqual(result.status, 0)
            XCTAssertFalse(result.stderr.isEmpty)
            for leak in [secret, "planted proxy", "proxy \(secret)"] {
                XCTAssertFalse(result.stdout.contains(leak) || result.stderr.contains(leak), result.stdout + result.stderr)
            }
        }
    }
}
