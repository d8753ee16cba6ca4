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
