import AppInterface
import CurrentCore
import CurrentRun
import Foundation
import GTHTTP
import GTStreams
import GTTestSupport
import XCTest

/// CurrentRun, the current state read in process as a second front end would: from
/// App-Interface to the report, nothing on stdout or stderr, no exit; every transport it holds
/// ended on every path (docs/architecture.md, "Transport lifecycle").
final class CurrentRunTests: XCTestCase {
    private let options = CurrentRun.Options(concurrency: 4, allProjects: false, refresh: false, cacheURL: nil,
                                             instance: "glitchtip-prod")

    /// The App-Interface transport is ended when App-Interface cannot be read, as when it can.
    func testTheAppInterfaceTransportEndsWhenTheSourceCannotBeRead() async throws {
        let port = try LoopbackPort.free()
        let http = HTTPClient(transport: HTTPTransport(maxConcurrent: 2), retry: RetryPolicy(maxRetries: 0))
        let sink = CollectedRecords()
        let report = await CurrentRun.run(source: .graphQL(url: "http://127.0.0.1:\(port)/graphql", token: nil), options: options,
                                          environment: [:], http: http, into: sink)
        let failure = try XCTUnwrap(report.failure)
        XCTAssertTrue(failure.contains("127.0.0.1:\(port)"), failure)
        XCTAssertEqual(sink.all.count, 0)
        XCTAssertGreaterThan(report.requests, 0, "the transport's thread was started")
        XCTAssertFalse(http.transport.hasThread)
    }

    /// A setting read after App-Interface that is wrong stops the run before any record.
    func testAWrongSettingStopsTheRunBeforeAnyRecord() async throws {
        let sink = CollectedRecords()
        let report = await CurrentRun.run(source: .dataDirectory(Self.examples.appendingPathComponent("app-interface").path, environment: [:]),
                                          options: options, environment: ["QAPI_GLITCHTIP_ALERTS_CACHE_TTL": "-1"], into: sink)
        XCTAssertTrue(report.failure?.contains("QAPI_GLITCHTIP_ALERTS_CACHE_TTL") ?? false, "\(report)")
        XCTAssertEqual(sink.all.count, 0)
    }

    /// In process, the same body gt-current writes, and the counters of its trailer.
    func testTheRunWritesWhatGtCurrentWrites() async throws {
        let simulator = try Simulator(arguments: ["--state", Self.examples.appendingPathComponent("glitchtip-prod.json").path])
        defer { simulator.stop() }
        let dir = scratchDirectory()
        let data = dir.appendingPathComponent("app-interface")
        try FileManager.default.copyItem(at: Self.examples.appendingPathComponent("app-interface"), to: data)
        let instance = data.appendingPathComponent("dependencies/glitchtip/instances/glitchtip-prod.yml")
        try String(contentsOf: instance, encoding: .utf8).replacingOccurrences(of: "http://127.0.0.1:8765", with: simulator.baseURL)
            .write(to: instance, atomically: true, encoding: .utf8)
        let environment = ["GT_SECRETS_FILE": Self.examples.appendingPathComponent("secrets.json").path,
                           "GT_CACHE_DIR": dir.appendingPathComponent("cache").path]
        let sink = CollectedRecords()
        let report = await CurrentRun.run(source: .dataDirectory(data.path, environment: environment), options: options, environment: environment, into: sink)
        XCTAssertNil(report.failure)
        XCTAssertEqual(report.warnings, [])
        let requests = try await simulator.requestLog().requests.count
        XCTAssertEqual([report.requests, report.cacheMisses, report.cacheHits], [requests, requests, 0])
        XCTAssertGreaterThan(sink.all.filter { $0.kind == .project }.count, 1)

        let tool = try Tools.run("gt-current", ["--data", data.path, "--instance", "glitchtip-prod"], environment: environment)
        XCTAssertEqual(tool.status, 0, tool.stderr)
        XCTAssertEqual(try tool.body(), try sink.lines.map { try JSONValue(parsing: Array($0.utf8)) })
        XCTAssertEqual(try tool.trailer()?["stats"]?["cache_hits"], .int(Int64(requests)), "the tool read what the run cached")
    }

    private static let examples = TestPaths.packageRoot.appendingPathComponent("examples")
}
