import ApplyCore
import InstanceAccess
import GTStreams
import GTHTTP
import GTCache

/// Runs a plan's actions against GlitchTip: one connection per instance (to App-Interface's
/// URL, see ``InstanceTrust``), then ApplyCore's ``InstanceApplier`` per instance (its
/// organizations read fresh, then at most `concurrency` projects at a time, each project's
/// actions in order).
///
/// With at most as many projects in progress as the transport has slots, a request never waits
/// in the transport's queue: once the run is interrupted, no change that was not already under
/// way starts (docs/streams.md, "interrupted").
struct PlanExecutor: Sendable {
    let plan: ApplyPlan
    let trust: InstanceTrust
    /// App-Interface's projects (instance, organization name, slug), for the organization
    /// check's collision rule (docs/safety.md, "The organization mapping is read fresh").
    let managed: [ProjectKey]
    let cache: ListingCache?
    let connector: any InstanceConnector
    let concurrency: Int
    let interruption: RunInterruption
    /// A reason to make no more mutations (a run lock lost mid-run), checked before each.
    let mayMutate: @Sendable () async -> String?

    func run(into progress: ApplyProgress) async {
        var appliers: [String: Result<InstanceApplier, InstanceTrust.Refusal>] = [:]
        let planned = Set(plan.actions.map(\.instance))
        var managedByInstance: [String: [String: [String]]] = [:]
        for key in managed where planned.contains(key.instance) {
            managedByInstance[key.instance, default: [:]][key.organization, default: []].append(key.project)
        }
        var transports: [HTTPTransport] = []
        for name in planned.sorted() {
            if interruption.isInterrupted { break }
            switch trust.instance(name, planned: plan.instances[name]) {
            case .failure(let refusal):
                appliers[name] = .failure(refusal)
            case .success(let instance):
                do {
                    let session = try await connector.connect(instance)
                    session.counters.map(progress.add)
                    session.transport.map { transports.append($0) }
                    let projects = ProjectApplier(client: session.api, cache: cache, seal: session.seal,
                                                  shouldStop: { [interruption] in interruption.isInterrupted },
                                                  mayMutate: mayMutate)
                    appliers[name] = .success(InstanceApplier(instance: name, organizations: session.api, projects: projects,
                                                              managed: managedByInstance[name] ?? [:], concurrency: concurrency))
                } catch {
                    appliers[name] = .failure(InstanceTrust.Refusal(description: "cannot connect: \(error)"))
                }
            }
        }
        // Every token is read: Vault's transport ends here (docs/architecture.md, "Transport lifecycle").
        await connector.finishConnecting()
        var byInstance: [String: [[Int]]] = [:]
        for indices in plan.byProject {
            byInstance[plan.actions[indices[0]].instance, default: []].append(indices)
        }
        await withTaskGroup(of: Void.self) { group in
            for (name, projects) in byInstance {
                switch appliers[name] {
                case nil:
                    continue  // interrupted before this instance was connected: nothing attempted
                case .failure(let refusal)?:
                    for index in projects.joined() {
                        progress.finish(index, ActionOutcome(applied: false,
                                                             error: ProjectApplier.message(plan.actions[index], refusal.description)))
                    }
                case .success(let applier)?:
                    group.addTask { [plan] in await applier.apply(projects, of: plan.actions, into: progress) }
                }
            }
        }
        // Every transfer thread ends before the run reports (docs/architecture.md, "Concurrency").
        for transport in transports { await transport.shutdown() }
    }
}
