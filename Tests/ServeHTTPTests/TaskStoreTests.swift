import ServeCore
@testable import ServeHTTP
import XCTest

/// The task store's bounds: a result is kept for the retention, then forgotten (404); at most
/// `capacity` tasks are held, the oldest finished ones dropped first, a pending one never.
final class TaskStoreTests: XCTestCase {
    private func store(capacity: Int = 10) -> TaskStore {
        TaskStore(retention: .seconds(3600), capacity: capacity) { _, _ in }
    }

    func testAResultIsForgottenAfterTheRetention() {
        let store = store()
        let start = ContinuousClock.now
        XCTAssertEqual(store.admit("a", dryRun: true, now: start), .admitted)
        XCTAssertNotNil(store.start("a"))
        store.finish("a", ReconcileResult(status: .success))
        XCTAssertEqual(store.lookup("a"), .finished(ReconcileResult(status: .success)))
        XCTAssertEqual(store.admit("b", dryRun: true, now: .now + .seconds(3599)), .admitted)
        XCTAssertNotEqual(store.lookup("a"), .unknown, "forgotten within the retention")
        XCTAssertEqual(store.admit("c", dryRun: true, now: .now + .seconds(3601)), .admitted)
        XCTAssertEqual(store.lookup("a"), .unknown)
        XCTAssertEqual(store.lookup("b"), .pending, "a pending task is never forgotten")
    }

    func testAFullStoreDropsTheOldestFinishedAndNeverAPendingOne() {
        let store = store(capacity: 2)
        XCTAssertEqual(store.admit("old", dryRun: true), .admitted)
        store.finish("old", .failed("x"))
        XCTAssertEqual(store.admit("pending", dryRun: true), .admitted)
        XCTAssertEqual(store.admit("new", dryRun: true), .admitted, "the finished one makes room")
        XCTAssertEqual(store.lookup("old"), .unknown)
        XCTAssertEqual(store.admit("refused", dryRun: true), .full, "two pending tasks fill it")
        XCTAssertEqual(store.lookup("refused"), .unknown)
        XCTAssertEqual(store.lookup("pending"), .pending)
    }

    /// Shutting down fails the queued tasks at once, never a running one.
    func testStoppingFailsQueuedTasksOnly() {
        let store = store()
        XCTAssertEqual(store.admit("queued", dryRun: false), .admitted)
        XCTAssertEqual(store.admit("running", dryRun: false), .admitted)
        XCTAssertNotNil(store.start("running"))
        XCTAssertEqual(store.stopAccepting(failingQueued: "stopped"), ["queued"])
        XCTAssertEqual(store.lookup("queued"), .finished(.failed("stopped")))
        XCTAssertEqual(store.lookup("running"), .pending)
        XCTAssertNil(store.start("queued"), "a failed task never starts")
        XCTAssertEqual(store.admit("late", dryRun: true), .draining)
    }

    /// A GET waiting for a task is answered when it ends, not when its timeout does.
    func testAWaitingLookupIsWokenWhenTheTaskEnds() async {
        let store = store()
        XCTAssertEqual(store.admit("a", dryRun: true), .admitted)
        async let waited = store.lookup("a", waiting: .seconds(3600))
        Task {
            while !store.hasWaiters("a") { await Task.yield() }
            store.finish("a", ReconcileResult(status: .success))
        }
        let result = await waited
        XCTAssertEqual(result, .finished(ReconcileResult(status: .success)))
    }
}
