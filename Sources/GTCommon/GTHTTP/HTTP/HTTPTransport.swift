import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import GTStreams

/// Runs HTTP transfers concurrently on one libcurl multi handle, at most `maxConcurrent` at a
/// time, keeping connections alive between them.
///
/// The multi loop is synchronous, so it runs on a thread of its own (the cooperative pool has
/// only as many threads as cores); callers await results. The thread starts with the first
/// request; while the transport lives, an idle thread sleeps in `curl_multi_poll`, keeping the
/// connection cache. Its owner awaits ``shutdown()`` before exit: libcurl's handles must be
/// freed before the process exits, or its cleanup races OpenSSL's atexit handlers. `deinit`
/// never waits for the thread (it may run on any pool thread): it only asks it to stop
/// (docs/architecture.md, "Concurrency").
public final class HTTPTransport: Sendable {
    private let queue: TransferQueue

    /// - Parameters:
    ///   - environment: the process environment, as the command read it: the CAs it names, and
    ///     the proxy credentials libcurl reads from it, kept out of every error message.
    ///   - trust: the CAs that verify servers; by default what `environment` sets for GlitchTip
    ///     and qontract-server (``TrustStore``).
    public init(maxConcurrent: Int, environment: [String: String], trust: TrustStore? = nil) {
        queue = TransferQueue(maxConcurrent: max(1, maxConcurrent), trust: trust ?? TrustStore(environment: environment),
                              proxies: ProxyCredentials(environment: environment))
    }

    deinit {
        // Every caller of perform() holds the transport until its answer: nothing can be left.
        assert(queue.isIdle, "HTTPTransport released with transfers queued or running")
        queue.stop()
    }

    public var maxConcurrent: Int { queue.maxConcurrent }

    /// Whether the transfer thread exists (it ends after ``shutdown()``).
    public var hasThread: Bool { queue.hasThread }
    /// The transfer thread's kernel id while it runs.
    var threadID: Int32? { queue.threadID }
    /// Requests waiting for a slot: what a test observes instead of sleeping until a request is queued.
    var waitingCount: Int { queue.waitingCount }

    /// Lets the queued and running transfers finish, ends the transfer thread and returns once
    /// it has freed libcurl's handles and exited; a request after this fails at once. Call
    /// before exit; calling it twice is harmless.
    public func shutdown() async { await queue.shutdown() }

    /// Performs one request; never retries (see ``HTTPClient``). Cancelling the awaiting task
    /// takes a queued request out of the queue, or stops a running transfer, and returns
    /// ``HTTPError/cancelled``.
    public func perform(_ request: HTTPRequest) async -> Result<HTTPResponse, HTTPError> {
        let ticket = TransferTicket()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                queue.submit(TransferJob(ticket: ticket, request: request, continuation: continuation))
            }
        } onCancel: {
            queue.cancel(ticket)
        }
    }
}
