import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import GTStreams

/// One request's identity between its caller and the transfer thread; cancelled once, by the
/// caller's cancellation handler, which may run before the request is even queued.
final class TransferTicket: Sendable {
    private static let counter = Atomic<UInt64>(0)
    let id = TransferTicket.counter.add(1, ordering: .relaxed).newValue
    private let cancelledFlag = Atomic<Bool>(false)

    var isCancelled: Bool { cancelledFlag.load(ordering: .acquiring) }
    func markCancelled() { cancelledFlag.store(true, ordering: .releasing) }
}

struct TransferJob: Sendable {
    let ticket: TransferTicket
    let request: HTTPRequest
    let continuation: CheckedContinuation<Result<HTTPResponse, HTTPError>, Never>
}

/// Requests waiting for a transfer slot, shared between callers and the transfer thread.
final class TransferQueue: Sendable {
    struct State {
        var pending: [TransferJob] = []
        var head = 0
        var closed = false
        var threadRunning = false
        /// The transfer thread's kernel id while it runs (tests look it up in /proc).
        var threadID: Int32?
        /// Running transfers whose callers were cancelled: the loop stops them.
        var cancelledRunning: Set<UInt64> = []
        var wakeup: MultiWakeup?
        var shutdownWaiters: [CheckedContinuation<Void, Never>] = []

        var pendingCount: Int { pending.count - head }
    }

    let maxConcurrent: Int
    let trust: TrustStore
    let proxies: ProxyCredentials
    private let state = Mutex(State())

    init(maxConcurrent: Int, trust: TrustStore, proxies: ProxyCredentials) {
        self.maxConcurrent = maxConcurrent
        self.trust = trust
        self.proxies = proxies
    }

    /// Nothing waits for a slot.
    var isIdle: Bool { state.withLock { $0.pendingCount == 0 } }
    /// Transfers waiting for a slot.
    var waitingCount: Int { state.withLock { $0.pendingCount } }
    var hasThread: Bool { state.withLock { $0.threadRunning } }
    var threadID: Int32? { state.withLock { $0.threadID } }

    func submit(_ job: TransferJob) {
        enum Next { case queued, startThread, refuse(HTTPError) }
        let next = state.withLock { state -> Next in
            if job.ticket.isCancelled { return .refuse(.cancelled) }
            if state.closed { return .refuse(.invalidRequest("\(RedactedURL(job.request.url)): the HTTP transport is shut down")) }
            state.pending.append(job)
            state.wakeup?.wake()
            if state.threadRunning { return .queued }
            state.threadRunning = true
            return .startThread
        }
        switch next {
        case .queued: break
        case .startThread: startTransferThread()
        case .refuse(let error): job.continuation.resume(returning: .failure(error))
        }
    }

    /// The caller of `ticket` was cancelled: a queued job leaves the queue now; a running one
    /// is stopped by the loop, which it wakes.
    func cancel(_ ticket: TransferTicket) {
        ticket.markCancelled()
        let removed = state.withLock { state -> TransferJob? in
            if let index = state.pending[state.head...].firstIndex(where: { $0.ticket === ticket }) {
                return state.pending.remove(at: index)
            }
            state.cancelledRunning.insert(ticket.id)
            state.wakeup?.wake()
            return nil
        }
        removed?.continuation.resume(returning: .failure(.cancelled))
    }

    /// Asks the thread to end once nothing is queued or running; does not wait.
    func stop() {
        state.withLock { state in
            state.closed = true
            state.wakeup?.wake()
        }
    }

    /// ``stop()``, then waits until the thread has exited (at once when there is none).
    func shutdown() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                state.closed = true
                state.wakeup?.wake()
                if !state.threadRunning { return true }
                state.shutdownWaiters.append(waiter)
                return false
            }
            if done { waiter.resume() }
        }
    }

    /// Up to `limit` waiting jobs, the running jobs cancelled since the last call, and whether
    /// the loop may stop: the queue is closed and nothing waits or runs.
    fileprivate func take(limit: Int, running: Int) -> (jobs: [TransferJob], cancelled: Set<UInt64>, stop: Bool) {
        state.withLock { state in
            let n = min(limit, state.pendingCount)
            let jobs = Array(state.pending[state.head..<(state.head + n)])
            state.head += n
            if state.head > 1024, state.head * 2 > state.pending.count {
                state.pending.removeFirst(state.head)
                state.head = 0
            }
            let cancelled = state.cancelledRunning
            state.cancelledRunning.removeAll()
            let stop = state.closed && state.pendingCount == 0 && running == 0 && jobs.isEmpty
            if stop { state.wakeup = nil }
            return (jobs, cancelled, stop)
        }
    }

    private func startTransferThread() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { context in
            let queue = Unmanaged<TransferQueue>.fromOpaque(context!).takeRetainedValue()
            queue.runTransfers()
            queue.threadExited()
            return nil
        }, context)
        if created == 0 {
            pthread_detach(thread)  // shutdown() waits for it, without a join
        } else {
            Unmanaged<TransferQueue>.fromOpaque(context).release()
            failAll(.invalidRequest("cannot start the HTTP transfer thread (error \(created))"))
            threadExited()
        }
    }

    /// The calling thread's kernel id, from `/proc/thread-self` (`<pid>/task/<tid>`).
    private static func currentThreadID() -> Int32? {
        guard let link = try? SystemCall.linkTarget("/proc/thread-self") else { return nil }
        return link.split(separator: "/").last.flatMap { Int32($0) }
    }

    /// The last thing the transfer thread does: libcurl's handles are freed by now.
    private func threadExited() {
        let waiters = state.withLock { state in
            state.threadRunning = false
            state.threadID = nil
            defer { state.shutdownWaiters.removeAll() }
            return state.shutdownWaiters
        }
        waiters.forEach { $0.resume() }
    }

    private func failAll(_ error: HTTPError) {
        let jobs = state.withLock { state in
            defer {
                state.pending.removeAll()
                state.head = 0
            }
            return Array(state.pending[state.head...])
        }
        for job in jobs { job.continuation.resume(returning: .failure(error)) }
    }

    /// The transfer loop: fill free slots, drive libcurl, hand back finished transfers, stop
    /// cancelled ones, sleep in `curl_multi_poll` until a socket, a timer or a new request
    /// needs attention.
    private func runTransfers() {
        let multi: CurlMulti
        do { multi = try CurlMulti() } catch {
            failAll(error)
            return
        }
        let tid = Self.currentThreadID()
        state.withLock {
            $0.wakeup = multi.wakeup
            $0.threadID = tid
        }
        var loop = TransferLoop(multi: multi, trust: trust, proxies: proxies)
        while true {
            let (jobs, cancelled, stop) = take(limit: maxConcurrent - loop.active.count, running: loop.active.count)
            if stop { break }
            jobs.forEach { loop.start($0) }
            cancelled.forEach { loop.stop(id: $0, with: .cancelled) }
            loop.step()
        }
        // `take` cleared the wakeup under the lock, so no thread can reach the multi handle now.
        loop.abandonAll()
    }
}
