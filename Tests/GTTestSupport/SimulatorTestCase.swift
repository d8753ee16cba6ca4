import Foundation
import XCTest

/// The base class of every test that runs a server: the GlitchTip simulator
/// (Tests/Simulator/glitchtip_sim.py), `redis-server`, `tinyproxy`. Each server a test starts
/// through it is stopped (SIGKILL) when the test ends, whether it passed, failed or threw, so no
/// test class repeats a `tearDown` to stop what it started; `scratchDirectory()` gives each test
/// its own directory, removed afterwards.
open class SimulatorTestCase: XCTestCase {
    private var started: [any Server] = []

    /// A simulator on a port of its choosing, stopped when the test ends.
    /// - Parameter tls: serve HTTPS with this CA's server certificate.
    public func startSimulator(arguments: [String] = [], tls: TestCertificateAuthority? = nil) throws -> Simulator {
        try keep(Simulator(arguments: arguments, tls: tls))
    }

    /// A simulator serving one organization, Acme, with one project, api: what the HTTP
    /// layer's tests send their requests to.
    public func startSimulatorWithOneProject() async throws -> Simulator {
        let sim = try startSimulator()
        try await sim.load(SimState.state([SimState.organization("Acme", projects: [SimState.project("api")])]))
        return sim
    }

    /// A private `redis-server` (its files in `directory`, else a scratch directory), stopped
    /// when the test ends.
    public func startRedis(in directory: URL? = nil, password: String? = nil, unixSocket: Bool = false,
                           configuration: [String] = []) throws -> RedisServer {
        try keep(RedisServer(in: directory ?? scratchDirectory(), password: password, unixSocket: unixSocket,
                             configuration: configuration))
    }

    /// A `tinyproxy` (its configuration and log in `directory`), stopped when the test ends.
    public func startProxy(in directory: URL, basicAuth: (String, String)? = nil) throws -> TinyProxy {
        try keep(TinyProxy(in: directory, basicAuth: basicAuth))
    }

    private func keep<S: Server>(_ server: S) -> S {
        started.append(server)
        return server
    }

    open override func tearDown() async throws {
        for server in started.reversed() { server.stop() }
        started = []
        try await super.tearDown()
    }
}

/// A child process a test started and must stop; stopping twice is harmless.
protocol Server: AnyObject {
    func stop()
}

extension Simulator: Server {}
extension RedisServer: Server {}
extension TinyProxy: Server {}
