import Foundation
import GTStreams
import GTTestSupport
import Hummingbird
import NIOCore
import ServeCore
import ServeHTTP
import Synchronization
import XCTest

/// gt-serve's routes in process (RouterClient: no socket), with a
/// simulator as GlitchTip behind them, a secrets file holding its token, private cache, lock
/// and temporary directories, and every log line kept for the test to read.
struct ServeHarness: Sendable {
    static let secret = "serve-http-tests-secret-0123456789abcdef"
    static let glitchTipToken = "serve-http-planted-glitchtip-token"
    static let path = "/api/v1/integrations/glitchtip-project-alerts/reconcile"

    let sim: Simulator
    let directory: URL
    let log = LogLines()
    var settings = ServeSettings(jwtSecret: Array(ServeHarness.secret.utf8))

    static func make(for test: SimulatorTestCase, organizations: [JSONValue] = ServeHarness.myOrg([])) async throws -> ServeHarness {
        let harness = ServeHarness(sim: try test.startSimulator(), directory: test.scratchDirectory())
        try #"{"glitchtip/creds": {"token": "\#(glitchTipToken)"}}"#
            .write(to: harness.directory.appendingPathComponent("secrets.json"), atomically: true, encoding: .utf8)
        try await harness.sim.load(SimState.state(organizations, tokens: [glitchTipToken: ["org:read", "project:read", "project:write"]]))
        return harness
    }

    /// GlitchTip with organization `my-org`, project `my-project` holding `alerts`.
    static func myOrg(_ alerts: [JSONValue]) -> [JSONValue] {
        [SimState.organization("my-org", projects: [SimState.project("my-project", alerts: alerts)])]
    }

    var environment: [String: String] {
        ["GT_SECRETS_FILE": directory.appendingPathComponent("secrets.json").path,
         "GT_CACHE_DIR": directory.appendingPathComponent("cache").path,
         "GT_LOCK_DIR": directory.appendingPathComponent("locks").path,
         "TMPDIR": directory.path]
    }

    /// A token for `subject`, valid `seconds` more (negative: expired).
    func token(_ subject: String = "ci-bot", validFor seconds: Int64 = 3600, secret: String = ServeHarness.secret) -> String {
        JWT.sign(subject: subject, expires: JWT.now() + seconds, secret: Array(secret.utf8))
    }

    func runner(execute: TaskRunner.Execute? = nil) -> TaskRunner {
        let log = log
        guard let execute else { return TaskRunner(settings: settings, environment: environment, events: { log.append($0) }) }
        return TaskRunner(settings: settings, events: { log.append($0) }, execute: execute)
    }

    /// Runs `test` against the routes over `runner`.
    func test<T: Sendable>(_ runner: TaskRunner, address: ServeAddress = ServeAddress(host: "127.0.0.1", port: 8000),
                           _ test: @Sendable (RouterClient) async throws -> T) async throws -> T {
        let log = log
        let router = ServeRouter.make(runner: runner, settings: settings, address: address, spillDirectory: directory.path,
                                      log: { log.append($0) })
        return try await test(RouterClient(router: router))
    }

    /// A request for instance `test-instance` (this simulator) with `organizations`.
    func body(_ organizations: [JSONValue], dryRun: Bool = true) -> JSONValue {
        Requests.request([Requests.instance(url: sim.baseURL, organizations: organizations)], dryRun: dryRun)
    }

    /// The changes GlitchTip received.
    func mutations() async throws -> [String] {
        try await sim.requestLog().requests.compactMap { request in
            let method = request["method"]?.stringValue ?? ""
            return ["POST", "PUT", "DELETE"].contains(method) ? "\(method) \(request["path"]?.stringValue ?? "")" : nil
        }
    }
}

/// The structured lines gt-serve logged (access and task lines), as text.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: JSONValue) { lines.withLock { $0.append(line.serialized()) } }

    var all: [String] { lines.withLock { $0 } }

    var parsed: [JSONValue] { all.compactMap { try? JSONValue(parsing: $0) } }
}

extension RouterClient {
    /// `method uri` with a Bearer `token` (none when nil), `body` as JSON unless raw bytes are given.
    func send(_ method: HTTPRequest.Method, _ uri: String, token: String?, json: JSONValue? = nil, raw: [UInt8]? = nil,
              headers extra: HTTPFields = [:], authority: String? = "localhost",
              localAddress: SocketAddress? = nil) async throws -> RouterResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var bytes = raw
        if let json {
            var out: [UInt8] = []
            json.write(to: &out)
            bytes = out
            headers[.contentType] = "application/json"
        }
        return try await execute(uri: uri, method: method, headers: headers, body: bytes.map { ByteBuffer(bytes: $0) }, authority: authority,
                                 localAddress: localAddress)
    }
}

extension RouterResponse {
    var json: JSONValue? { try? JSONValue(parsing: Array(body.readableBytesView)) }
    var text: String { String(decoding: body.readableBytesView, as: UTF8.self) }
}
