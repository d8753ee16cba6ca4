import ApplyCore
@testable import ApplyRun
import GTGlitchTip
import GTStreams
import GTHTTP
import GTCache
import Synchronization

/// A request held until the test opens the gate: ``arrival()`` returns once one waits. A held
/// request whose task is cancelled (the run let it go after its grace) fails as cancelled.
final class Gate: Sendable {
    private struct State {
        var open = false
        var waiting: [Int: CheckedContinuation<Bool, Never>] = [:]
        var cancelled: Set<Int> = []
        var next = 0
        var arrived = 0
        var watchers: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Waits until the gate opens (true) or the task is cancelled (false).
    func pass() async -> Bool {
        let id = state.withLock { state in
            defer { state.next += 1 }
            return state.next
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<Bool, Never>) in
                let (now, watchers): (Bool?, [CheckedContinuation<Void, Never>]) = state.withLock { state in
                    if state.open { return (true, []) }
                    if state.cancelled.remove(id) != nil { return (false, []) }
                    state.waiting[id] = waiter
                    state.arrived += 1
                    defer { state.watchers = [] }
                    return (nil, state.watchers)
                }
                watchers.forEach { $0.resume() }
                if let now { waiter.resume(returning: now) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                let waiter = state.waiting.removeValue(forKey: id)
                if waiter == nil { state.cancelled.insert(id) }
                return waiter
            }
            waiter?.resume(returning: false)
        }
    }

    /// Returns once a request waits at the gate.
    func arrival() async {
        await withCheckedContinuation { (watcher: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                if state.arrived > 0 { return true }
                state.watchers.append(watcher)
                return false
            }
            if now { watcher.resume() }
        }
    }

    func open() {
        let waiting = state.withLock { state in
            state.open = true
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        waiting.forEach { $0.resume(returning: true) }
    }
}

/// The in-memory GlitchTip as a run reaches it: each POST may wait at a ``Gate`` first, and
/// `afterMutation` sees the number of mutations made so far (a test acts between two changes).
struct GatedGlitchTip: ProjectAlertsAPI, OrganizationsAPI {
    let glitchtip: InMemoryGlitchTip
    let gate: Gate?
    let afterMutation: @Sendable (Int) -> Void

    func organizationItems() async throws(HTTPError) -> [JSONValue] { try await glitchtip.organizationItems() }

    func alertItems(organization: String, project: String) async throws(HTTPError) -> [JSONValue] {
        try await glitchtip.alertItems(organization: organization, project: project)
    }

    func alerts(organization: String, project: String) async throws(HTTPError) -> [GlitchTipAlert] {
        try await glitchtip.alerts(organization: organization, project: project)
    }

    func createAlert(organization: String, project: String, body: GlitchTipAlertBody) async throws(HTTPError) -> GlitchTipAlert {
        if let gate, await !gate.pass() { throw .cancelled }
        defer { afterMutation(glitchtip.log.mutations.count) }
        return try await glitchtip.createAlert(organization: organization, project: project, body: body)
    }

    func updateAlert(organization: String, project: String, pk: Int64, body: GlitchTipAlertBody) async throws(HTTPError) -> GlitchTipAlert {
        defer { afterMutation(glitchtip.log.mutations.count) }
        return try await glitchtip.updateAlert(organization: organization, project: project, pk: pk, body: body)
    }

    func deleteAlert(organization: String, project: String, pk: Int64) async throws(HTTPError) -> GlitchTipClient.DeleteOutcome {
        defer { afterMutation(glitchtip.log.mutations.count) }
        return try await glitchtip.deleteAlert(organization: organization, project: project, pk: pk)
    }
}

/// Reaches every instance it is asked for at ``GatedGlitchTip``, logging `connect <name> <url>`
/// first, so a test sees which instance the run trusted and where it would have sent the token.
struct MemoryConnector: InstanceConnector {
    let api: GatedGlitchTip
    let seal: CacheSeal?

    func connect(_ instance: InstanceRecord) async throws -> InstanceSession {
        api.glitchtip.log.append("connect \(instance.name) \(instance.consoleURL)")
        return InstanceSession(api: api, seal: seal)
    }

    func finishConnecting() async {}
}
