import ApplyCore
import AppInterface
import GTStreams
import GTHTTP
import GTCache
import InstanceAccess

/// What App-Interface tells a run before its first request: the instances a token may go to
/// (``InstanceTrust``), the projects it manages (the organization check's collision rule), and
/// the secret store the tokens are read through.
struct RunPreparation {
    let plan: ApplyPlan
    let source: AppInterfaceSource
    let settings: ApplySettings
    let makeSourceHTTP: @Sendable () -> HTTPClient
    let makeConnector: InstanceConnectorFactory

    /// Reads App-Interface and sets up the run. App-Interface's transport is shut down once it
    /// is read, whether or not that worked (docs/architecture.md, "Transport lifecycle").
    func executor(cache: ListingCache?, locks: HeldLocks, interruption: RunInterruption,
                  progress: ApplyProgress) async throws -> PlanExecutor {
        let sourceHTTP = makeSourceHTTP()
        progress.add(sourceHTTP.counters)
        let catalog: AppInterfaceCatalog
        do { catalog = try await source.open(http: sourceHTTP, resolvingProjects: false) } catch {
            await sourceHTTP.transport.shutdown()
            throw error
        }
        await sourceHTTP.transport.shutdown()  // App-Interface is read; Vault gets a transport of its own
        let declared = try catalog.instances(named: settings.instance)
        var byName: [String: InstanceRecord] = [:]
        for instance in declared where byName.updateValue(instance.record, forKey: instance.name) != nil {
            let first = declared.first { $0.name == instance.name }!
            throw ApplyReport.Problem("\(first.origin): instance '\(instance.name)' is declared twice in App-Interface")
        }
        // The organization check's collision rule reads what gt-current reads (docs/safety.md).
        let managed: [ProjectKey]
        do { managed = try catalog.projectKeys() } catch {
            throw ApplyReport.Problem("gt-apply --no-dry-run checks the plan's organizations against App-Interface: \(error)")
        }
        // The shared locks' lease covers the longest change to these instances (HeldLocks);
        // before the secret store, whose transport nothing would shut down after a throw.
        try locks.cover(plan.lockedInstances.sorted().compactMap { name in byName[name].map { (name, $0) } })
        let secrets = try SecretResolver.fromEnvironment(settings.environment, http: sourceHTTP)
        return PlanExecutor(plan: plan, trust: InstanceTrust(declared: byName, selection: settings.instance), managed: managed,
                            cache: cache, connector: makeConnector(secrets, settings.concurrency), concurrency: settings.concurrency,
                            interruption: interruption, mayMutate: { await locks.mayMutate() })
    }
}
