import GTStreams

/// The transfer thread's own state: the running transfers on the multi handle and the easy
/// handles kept for reuse. Confined to that thread.
struct TransferLoop {
    let multi: CurlMulti
    let trust: TrustStore
    let proxies: ProxyCredentials
    private(set) var active: [ObjectIdentifier: (easy: CurlEasy, job: TransferJob)] = [:]
    private var idle: [CurlEasy] = []

    init(multi: CurlMulti, trust: TrustStore, proxies: ProxyCredentials) {
        self.multi = multi
        self.trust = trust
        self.proxies = proxies
    }

    mutating func start(_ job: TransferJob) {
        if job.ticket.isCancelled { return job.continuation.resume(returning: .failure(.cancelled)) }
        do throws(HTTPError) {
            let easy = if let reused = idle.popLast() { reused } else { try CurlEasy() }
            try easy.prepare(job.request, trust: trust, proxies: proxies)
            try multi.add(easy)
            active[ObjectIdentifier(easy)] = (easy, job)
        } catch {
            job.continuation.resume(returning: .failure(error))
        }
    }

    /// Takes the transfer of ticket `id` off the multi handle, if it still runs.
    mutating func stop(id: UInt64, with error: HTTPError) {
        guard let (key, entry) = active.first(where: { $0.value.job.ticket.id == id }) else { return }
        active.removeValue(forKey: key)
        finish(entry.easy, entry.job, .failure(error))
    }

    /// Drives libcurl once, hands back finished transfers, and polls when none finished. A
    /// multi call that fails fails every running transfer with its `CURLMcode`.
    mutating func step() {
        do throws(HTTPError) {
            try multi.perform()
            var freedSlot = false
            while let (easy, result) = multi.nextFinished() {
                guard let (_, job) = active.removeValue(forKey: ObjectIdentifier(easy)) else { continue }
                finish(easy, job, result)
                freedSlot = true
            }
            // A freed slot goes straight to the next waiting request: its wakeup was spent
            // when it was queued, so a poll now would sleep until some other socket stirred.
            if !freedSlot { try multi.poll(milliseconds: 1000) }
        } catch {
            failActive(error)
        }
    }

    /// Fails what still runs (the loop ends only when nothing does; this is a safeguard).
    mutating func abandonAll() {
        failActive(.invalidRequest("transfer abandoned"))
        idle.removeAll()
    }

    private mutating func failActive(_ error: HTTPError) {
        let entries = active.values
        active.removeAll()
        for (easy, job) in entries { finish(easy, job, .failure(error)) }
    }

    /// Takes `easy` off the multi handle and answers the caller; a handle the multi handle
    /// would not let go of is dropped rather than reused.
    private mutating func finish(_ easy: CurlEasy, _ job: TransferJob, _ result: Result<HTTPResponse, HTTPError>) {
        do throws(HTTPError) {
            try multi.remove(easy)
            easy.sink.reset()
            idle.append(easy)
        } catch {}
        job.continuation.resume(returning: result)
    }
}
