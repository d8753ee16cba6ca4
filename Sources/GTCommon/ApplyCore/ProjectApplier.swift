import GTStreams
import GTGlitchTip
import GTHTTP
import GTCache

/// Executes one project's actions, in order, against GlitchTip (docs/rules.md, "Applying").
///
/// First one fresh read of the project's alerts (never the cache): an action whose alert
/// changed since the plan fails as stale instead of overwriting someone's change. A create is
/// sent at most once per run: after an ambiguous failure the alerts are listed again and the
/// name looked for; when it is not there the outcome is unknown and the action fails, for the
/// next run to re-plan. After every mutation the project's alerts cache entry is removed.
public struct ProjectApplier: Sendable {
    let client: any ProjectAlertsAPI
    let cache: ListingCache?
    /// Seals the entry written from the fresh read (the instance's key, as gt-current's).
    let seal: CacheSeal?
    let shouldStop: @Sendable () -> Bool
    /// A reason to make no more mutations (the shared run lock lost mid-run), checked before each.
    let mayMutate: @Sendable () async -> String?

    public init(client: any ProjectAlertsAPI, cache: ListingCache?, seal: CacheSeal?,
                shouldStop: @escaping @Sendable () -> Bool, mayMutate: @escaping @Sendable () async -> String? = { nil }) {
        self.client = client
        self.cache = cache
        self.seal = seal
        self.shouldStop = shouldStop
        self.mayMutate = mayMutate
    }

    /// Applies `actions` (the plan's actions at `indices`), reporting each one to `progress`
    /// as it starts and ends. Once `shouldStop` says the run was interrupted, no new action
    /// starts (docs/streams.md, "interrupted").
    ///
    /// The cache learns from the fresh read (docs/architecture.md): the project's alerts entry
    /// is removed right after it, before any change (a run killed mid-way leaves no stale
    /// entry); when no change was sent (every action refused as stale, say), the fresh listing
    /// replaces the entry, so the next cached run plans from the truth.
    public func apply(_ actions: [ActionRecord], at indices: [Int], into progress: ApplyProgress) async {
        guard let first = actions.first, !shouldStop() else { return }
        let organization = first.apiOrganization
        let project = first.project
        let key = CacheKey.alerts(first.apiProjectKey)
        let fresh: [JSONValue]
        var live: [GlitchTipAlert]
        do {
            fresh = try await client.alertItems(organization: organization, project: project)
            live = try GlitchTipDecoding.alerts(fresh)
        } catch {
            let reason = "cannot read the project's alerts before changing them: \(error)"
            for (index, action) in zip(indices, actions) {
                progress.finish(index, ActionOutcome(applied: false, error: Self.message(action, reason)))
            }
            return
        }
        await cache?.remove(key)
        var sent = false
        for (index, action) in zip(indices, actions) {
            if shouldStop() { break }
            progress.start(index)
            if let reason = await mayMutate() {
                progress.finish(index, ActionOutcome(applied: false, error: Self.message(action, reason)))
                continue
            }
            let result: Result<Void, ApplyFailure>
            var requested = false
            switch action.type {
            case .create: result = await create(action, &live, &requested)
            case .update: result = await update(action, &live, &requested)
            case .delete: result = await delete(action, &live, &requested)
            }
            if requested {
                sent = true
                await invalidate(action)
            }
            switch result {
            case .success: progress.finish(index, .done)
            case .failure(let failure):
                progress.finish(index, ActionOutcome(applied: false, error: Self.message(action, failure.reason)))
            }
        }
        if !sent { await cache?.replace(key, with: fresh, seal: seal) }
    }

    struct ApplyFailure: Error { let reason: String }

    /// `<instance>/<org>/<project>/<alert>: Failed to execute action <type>: <reason>` (the seed's form).
    public static func message(_ action: ActionRecord, _ reason: String) -> String {
        "\(action.path): Failed to execute action \(action.type.rawValue): \(reason)"
    }

    /// After every request that may have changed the project: its alerts entry goes.
    private func invalidate(_ action: ActionRecord) async {
        await cache?.remove(CacheKey.alerts(action.apiProjectKey))
    }

    private func create(_ action: ActionRecord, _ live: inout [GlitchTipAlert], _ sent: inout Bool) async -> Result<Void, ApplyFailure> {
        guard let wanted = action.after else { return .failure(ApplyFailure(reason: "no desired alert in the action")) }
        if live.contains(where: { $0.name == wanted.name }) {
            return .failure(ApplyFailure(reason: "stale plan: an alert named '\(wanted.name)' was created since the plan"))
        }
        let org = action.apiOrganization
        sent = true
        do {
            let created = try await client.createAlert(organization: org, project: action.project, body: wanted.body())
            live.append(created)
            return .success(())
        } catch {
            guard error.isAmbiguous else { return .failure(ApplyFailure(reason: "\(error)")) }
            return await lookUpAfterAmbiguousCreate(action, wanted, error, &live)
        }
    }

    /// After a POST whose fate is unknown (no answer, a timeout, a reset, a 5xx): the server may
    /// have stored the alert, or may still store it (a slow commit lands after the client gave
    /// up), so a listing that lacks it proves nothing. Look once; never send it again in this
    /// run (docs/safety.md, "An ambiguous create is never sent again").
    private func lookUpAfterAmbiguousCreate(
        _ action: ActionRecord, _ wanted: AlertRecord, _ error: HTTPError, _ live: inout [GlitchTipAlert]
    ) async -> Result<Void, ApplyFailure> {
        let unknown = "outcome unknown: the create was not sent again; re-plan (run again) to converge"
        guard let listed = try? await client.alerts(organization: action.apiOrganization, project: action.project) else {
            return .failure(ApplyFailure(reason: "\(error); the alerts could not be listed to check whether it was created; \(unknown)"))
        }
        live = listed
        guard let made = listed.first(where: { $0.name == wanted.name }) else {
            return .failure(ApplyFailure(reason: "\(error); the alert is not listed (yet), but the server may still store it; \(unknown)"))
        }
        return AlertRecord(made).isEquivalent(to: wanted)
            ? .success(())
            : .failure(ApplyFailure(reason: "\(error); an alert named '\(wanted.name)' now exists but differs from the desired one"))
    }

    /// The alert the action was planned against, as it is now, or why it cannot be acted on.
    private func unchanged(_ action: ActionRecord, in live: [GlitchTipAlert]) -> Result<GlitchTipAlert?, ApplyFailure> {
        guard let pk = action.pk else { return .failure(ApplyFailure(reason: "no pk in the action")) }
        guard let now = live.first(where: { $0.pk == pk }) else { return .success(nil) }
        if let before = action.before, now.name != before.name || !AlertRecord(now).isEquivalent(to: before) {
            return .failure(ApplyFailure(reason: "stale plan: alert '\(now.name)' (pk \(pk)) changed since the plan"))
        }
        return .success(now)
    }

    private func update(_ action: ActionRecord, _ live: inout [GlitchTipAlert], _ sent: inout Bool) async -> Result<Void, ApplyFailure> {
        guard let wanted = action.after, let pk = action.pk else { return .failure(ApplyFailure(reason: "no pk or desired alert")) }
        let now: GlitchTipAlert
        switch unchanged(action, in: live) {
        case .failure(let failure): return .failure(failure)
        case .success(nil): return .failure(ApplyFailure(reason: "stale plan: alert pk \(pk) no longer exists"))
        case .success(let found?): now = found
        }
        sent = true
        do {
            // The full body, with the unmanaged fields as they are (a 4.x PUT resets what it is not sent).
            let updated = try await client.updateAlert(organization: action.apiOrganization, project: action.project, pk: pk,
                                                       body: wanted.body(keeping: now.extra))
            live = live.map { $0.pk == pk ? updated : $0 }
            return .success(())
        } catch {
            return .failure(ApplyFailure(reason: "\(error)"))
        }
    }

    private func delete(_ action: ActionRecord, _ live: inout [GlitchTipAlert], _ sent: inout Bool) async -> Result<Void, ApplyFailure> {
        guard let pk = action.pk else { return .failure(ApplyFailure(reason: "no pk in the action")) }
        switch unchanged(action, in: live) {
        case .failure(let failure): return .failure(failure)
        case .success(nil): return .success(())  // already gone: the desired end state
        case .success: break
        }
        let org = action.apiOrganization
        sent = true
        do {
            switch try await client.deleteAlert(organization: org, project: action.project, pk: pk) {
            case .deleted:
                live.removeAll { $0.pk == pk }
                return .success(())
            case .notFound:
                // Confirm: a 404 also answers a wrong project or a missing permission.
                let listed = try await client.alerts(organization: org, project: action.project)
                live = listed
                return listed.contains(where: { $0.pk == pk })
                    ? .failure(ApplyFailure(reason: "DELETE answered 404 but the alert is still listed"))
                    : .success(())
            }
        } catch {
            return .failure(ApplyFailure(reason: "\(error)"))
        }
    }
}
