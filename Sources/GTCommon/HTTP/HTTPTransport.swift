import CCurl
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs HTTP transfers concurrently on one libcurl multi handle, at most `maxConcurrent` at a
/// time, keeping connections alive between them.
///
/// The multi loop is synchronous, so it runs on a thread of its own (the cooperative pool has
/// only as many threads as cores); callers await results. The thread starts with the first
/// request and ends once the transport is released and its queue has drained; while the
/// transport lives, an idle thread sleeps in `curl_multi_poll`, keeping the connection cache.
public final class HTTPTransport: Sendable {
    private let queue: TransferQueue

    /// - Parameter trust: the CAs that verify servers; by default what the process environment
    ///   sets for GlitchTip and qontract-server (``TrustStore``).
    public init(maxConcurrent: Int, trust: TrustStore = TrustStore(environment: Environment.current)) {
        queue = TransferQueue(maxConcurrent: max(1, maxConcurrent), trust: trust)
    }

    deinit { queue.close() }

    public var maxConcurrent: Int { queue.maxConcurrent }

    /// Performs one request; never retries (see ``HTTPClient``).
    public func perform(_ request: HTTPRequest) async -> Result<HTTPResponse, HTTPError> {
        await withCheckedContinuation { continuation in
            queue.submit(TransferJob(request: request, continuation: continuation))
        }
    }
}

struct TransferJob: Sendable {
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
        var thread: pthread_t?
        var wakeup: MultiWakeup?

        var pendingCount: Int { pending.count - head }
    }

    let maxConcurrent: Int
    let trust: TrustStore
    private let state = Mutex(State())

    init(maxConcurrent: Int, trust: TrustStore) {
        self.maxConcurrent = maxConcurrent
        self.trust = trust
    }

    func submit(_ job: TransferJob) {
        let startThread = state.withLock { state -> Bool in
            state.pending.append(job)
            state.wakeup?.wake()
            if state.threadRunning { return false }
            state.threadRunning = true
            return true
        }
        if startThread { startTransferThread() }
    }

    /// Stops the transfer thread once its queue has drained, and waits for it: libcurl's
    /// handles must be freed before the process exits, or its cleanup races OpenSSL's atexit
    /// handlers.
    func close() {
        let thread = state.withLock { state -> pthread_t? in
            state.closed = true
            state.wakeup?.wake()
            defer { state.thread = nil }
            return state.thread
        }
        if let thread, pthread_equal(thread, pthread_self()) == 0 {
            pthread_join(thread, nil)
        }
    }

    /// Up to `limit` waiting jobs, and whether the loop may stop: the transport is gone and
    /// nothing waits or runs.
    fileprivate func take(limit: Int, running: Int) -> (jobs: [TransferJob], stop: Bool) {
        state.withLock { state in
            let n = min(limit, state.pendingCount)
            let jobs = Array(state.pending[state.head..<(state.head + n)])
            state.head += n
            if state.head > 1024, state.head * 2 > state.pending.count {
                state.pending.removeFirst(state.head)
                state.head = 0
            }
            let stop = state.closed && state.pendingCount == 0 && running == 0 && jobs.isEmpty
            if stop {
                state.threadRunning = false
                state.wakeup = nil
            }
            return (jobs, stop)
        }
    }

    private func setWakeup(_ wakeup: MultiWakeup?) {
        state.withLock { $0.wakeup = wakeup }
    }

    private func startTransferThread() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { context in
            let queue = Unmanaged<TransferQueue>.fromOpaque(context!).takeRetainedValue()
            queue.runTransfers()
            return nil
        }, context)
        if created == 0 {
            let keep = state.withLock { state -> Bool in
                if state.closed { return false }
                state.thread = thread
                return true
            }
            if !keep { pthread_join(thread, nil) }
        } else {
            Unmanaged<TransferQueue>.fromOpaque(context).release()
            failAll(.invalidRequest("cannot start the HTTP transfer thread (error \(created))"))
        }
    }

    private func failAll(_ error: HTTPError) {
        let jobs = state.withLock { state in
            defer {
                state.pending.removeAll()
                state.head = 0
                state.threadRunning = false
            }
            return Array(state.pending[state.head...])
        }
        for job in jobs { job.continuation.resume(returning: .failure(error)) }
    }

    /// The transfer loop: fill free slots, drive libcurl, hand back finished transfers, sleep in
    /// `curl_multi_poll` until a socket, a timer or a new request needs attention.
    private func runTransfers() {
        let multi: CurlMulti
        do { multi = try CurlMulti() } catch {
            failAll(error)
            return
        }
        setWakeup(MultiWakeup(handle: multi.handle))
        var active: [UnsafeMutableRawPointer: (easy: CurlEasy, job: TransferJob)] = [:]
        var idle: [CurlEasy] = []

        while true {
            let (jobs, stop) = take(limit: maxConcurrent - active.count, running: active.count)
            if stop { break }
            for job in jobs {
                do throws(HTTPError) {
                    let easy = if let reused = idle.popLast() { reused } else { try CurlEasy() }
                    try easy.prepare(job.request, trust: trust)
                    guard multi.add(easy) else {
                        job.continuation.resume(returning: .failure(.invalidRequest("curl_multi_add_handle failed")))
                        continue
                    }
                    active[easy.handle] = (easy, job)
                } catch {
                    job.continuation.resume(returning: .failure(error))
                }
            }
            multi.perform()
            var freedSlot = false
            while let (handle, code) = multi.nextFinished() {
                guard let (easy, job) = active.removeValue(forKey: handle) else { continue }
                multi.remove(easy)
                let result = easy.result(code)
                easy.sink.reset()
                idle.append(easy)
                job.continuation.resume(returning: result)
                freedSlot = true
            }
            // A freed slot goes straight to the next waiting request: its wakeup was spent when it
            // was queued, so a poll now would sleep until some other socket stirred.
            if !freedSlot { multi.poll(milliseconds: 1000) }
        }
        // `take` cleared the wakeup under the lock, so no thread can reach the multi handle now.
        for (easy, job) in active.values {
            multi.remove(easy)
            job.continuation.resume(returning: .failure(.invalidRequest("transfer abandoned")))
        }
        idle.removeAll()
    }
}
