import ServeCore
@testable import ServeHTTP
import XCTest

/// A GET that stops waiting (its timeout passed, or its request was cancelled) leaves nothing
/// behind in the store, however its end races the task's: the waiter bookkeeping is empty
/// once every GET has returned, so it cannot grow with the number of GETs.
final class TaskStoreWaiterTests: XCTestCase {
    private func store() -> TaskStore { TaskStore(retention: .seconds(3600), capacity: 10_000) { _, _ in } }

    /// GETs cancelled just as their task finishes: the cancellation finds the waiter already
    /// woken by the finish.
    func testGETsCancelledAsTheirTaskFinishesLeaveNoWaiter() async {
        let store = store()
        for round in 0..<300 {
            let id = "task-\(round)"
            XCTAssertEqual(store.admit(id, dryRun: true), .admitted)
            let waiting = Task { await store.lookup(id, waiting: .seconds(3600)) }
            while !store.hasWaiters(id) { await Task.yield() }
            store.finish(id, ReconcileResult(status: .success))
            waiting.cancel()
            _ = await waiting.value
        }
        XCTAssertEqual(store.waiterBookkeeping, 0, "waiter ids kept after every GET returned")
    }

    /// GETs whose timeout ends as the task finishes, and GETs cancelled before they wait.
    func testTimedOutAndEarlyCancelledGETsLeaveNoWaiter() async {
        let store = store()
        for round in 0..<300 {
            let id = "task-\(round)"
            XCTAssertEqual(store.admit(id, dryRun: true), .admitted)
            async let timedOut = store.lookup(id, waiting: .microseconds(50))
            let early = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return await store.lookup(id, waiting: .seconds(3600))
            }
            store.finish(id, ReconcileResult(status: .success))
            _ = await (timedOut, early.value)
        }
        // Many GETs that time out on a task still pending.
        XCTAssertEqual(store.admit("pending", dryRun: true), .admitted)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<200 { group.addTask { _ = await store.lookup("pending", waiting: .milliseconds(1)) } }
        }
        XCTAssertEqual(store.lookup("pending"), .pending)
        XCTAssertFalse(store.hasWaiters("pending"))
        XCTAssertEqual(store.waiterBookkeeping, 0, "waiter ids kept after every GET returned")
    }
}
