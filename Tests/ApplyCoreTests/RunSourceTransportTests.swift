import ApplyCore
@testable import ApplyRun
import AppInterface
import GTHTTP
import GTStreams
import GTTestSupport
import XCTest

/// App-Interface's transport ends once App-Interface is read, whether or not that worked
/// (docs/architecture.md, "Transport lifecycle"): a GraphQL server that cannot be reached
/// leaves no transfer thread behind, and the run is refused with nothing sent to GlitchTip.
final class RunSourceTransportTests: XCTestCase {
    private typealias F = ApplierFixture
    private typealias R = RunFixture

    func testAFailedSourceReadShutsItsTransportDown() async throws {
        let fixture = try R(in: self)
        let sourceHTTP = HTTPClient(transport: HTTPTransport(maxConcurrent: 2), retry: RetryPolicy(maxRetries: 0))
        let port = try LoopbackPort.free()  // nothing listens there
        let settings = ApplySettings(dryRun: false, concurrency: 4, environment: fixture.environment)
        let connector = MemoryConnector(api: GatedGlitchTip(glitchtip: fixture.glitchtip, gate: nil, afterMutation: { _ in }), seal: nil)
        let run = ApplyRun(plan: R.plan([F.create(F.alert("a"))]), source: .graphQL(url: "http://127.0.0.1:\(port)/graphql", token: nil),
                           settings: settings, interruption: RunInterruption(), connector: { _, _ in connector },
                           sourceHTTP: { sourceHTTP })
        let outcome = await run.run()
        XCTAssertEqual(outcome.report.runErrors.count, 1)
        XCTAssertTrue(outcome.report.runErrors[0].hasSuffix("; nothing applied"), outcome.report.runErrors[0])
        XCTAssertGreaterThan(outcome.requests, 0, "the GraphQL request was not attempted")
        XCTAssertFalse(sourceHTTP.transport.hasThread, "App-Interface's transfer thread outlived a failed read")
        XCTAssertEqual(fixture.requests, [])
        // The run's lock is released: the next run takes it.
        let holder = try FileLock(path: fixture.lockPath) { _ in true }
        XCTAssertTrue(try holder.tryLock())
        holder.release()
    }
}

/// Each instance's transport ends before the run returns, after a run that applied its plan
/// (docs/architecture.md, "Transport lifecycle"): no transfer thread outlives the report.
final class RunInstanceTransportTests: XCTestCase {
    private typealias F = ApplierFixture
    private typealias R = RunFixture

    /// A session whose transport has a running transfer thread: one request to a port where
    /// nothing listens started it.
    private struct SessionWithTransport: InstanceConnector {
        let api: GatedGlitchTip
        let transport: HTTPTransport

        func connect(_ instance: InstanceRecord) async throws -> InstanceSession {
            InstanceSession(api: api, seal: nil, transport: transport)
        }

        func finishConnecting() async {}
    }

    func testEveryInstanceTransportHasEndedWhenTheRunReturns() async throws {
        let fixture = try R(in: self)
        let transport = HTTPTransport(maxConcurrent: 2)
        let port = try LoopbackPort.free()
        _ = try? await HTTPClient(transport: transport, retry: RetryPolicy(maxRetries: 0))
            .send(HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)/", timeoutMilliseconds: 5_000))
        XCTAssertTrue(transport.hasThread, "the transfer thread did not start")
        let connector = SessionWithTransport(api: GatedGlitchTip(glitchtip: fixture.glitchtip, gate: nil, afterMutation: { _ in }),
                                             transport: transport)
        let outcome = await fixture.run(R.plan([F.create(F.alert("a"))]), connector: connector)
        XCTAssertEqual(outcome.report.allErrors, [])
        XCTAssertEqual(outcome.report.appliedCount, 1)
        XCTAssertFalse(transport.hasThread, "an instance's transfer thread outlived the run")
    }
}
