import GTStreams
import GTGlitchTip
import GTCache

/// Executes one instance's part of a plan: its organizations first, then its projects,
/// `concurrency` at a time, each project's actions in order through ``ProjectApplier``.
///
/// Before the first change in the instance, its organizations are listed once, fresh (never
/// from the cache), and every action whose App-Interface organization no longer resolves to
/// the GlitchTip organization it was planned against fails as a stale plan, its project not
/// even read (docs/safety.md, "The organization mapping is read fresh"). When that listing
/// fails, nothing in the instance is changed and each action says why. The fresh listing
/// replaces the cached one, so the next cached run plans from the truth.
public struct InstanceApplier: Sendable {
    let instance: String
    let organizations: any OrganizationsAPI
    let projects: ProjectApplier
    /// App-Interface organization name → the slugs of its projects (``OrganizationMapping``).
    let managed: [String: [String]]
    let concurrency: Int

    public init(instance: String, organizations: any OrganizationsAPI, projects: ProjectApplier,
                managed: [String: [String]], concurrency: Int) {
        self.instance = instance
        self.organizations = organizations
        self.projects = projects
        self.managed = managed
        self.concurrency = max(1, concurrency)
    }

    /// Applies the plan's `actions` at `groups` (one group per project, all of this instance),
    /// reporting each action to `progress`. Once the run is interrupted no new project starts.
    public func apply(_ groups: [[Int]], of actions: [ActionRecord], into progress: ApplyProgress) async {
        guard !groups.isEmpty, !projects.shouldStop() else { return }
        let mapping: OrganizationMapping
        do {
            mapping = OrganizationMapping(organizations: try await freshOrganizations(), managed: managed,
                                          actions: groups.joined().map { actions[$0] })
        } catch {
            let reason = "cannot read the instance's organizations before changing its alerts: \(error)"
            for index in groups.joined() {
                progress.finish(index, ActionOutcome(applied: false, error: ProjectApplier.message(actions[index], reason)))
            }
            return
        }
        var runnable: [[Int]] = []
        for group in groups {
            let kept = group.filter { index in
                guard let reason = mapping.refusal(actions[index]) else { return true }
                progress.finish(index, ActionOutcome(applied: false, error: ProjectApplier.message(actions[index], reason)))
                return false
            }
            if !kept.isEmpty { runnable.append(kept) }
        }
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for indices in runnable {
                if running == concurrency {
                    await group.next()
                    running -= 1
                }
                if projects.shouldStop() { break }
                let slice = indices.map { actions[$0] }
                group.addTask { [projects] in await projects.apply(slice, at: indices, into: progress) }
                running += 1
            }
        }
    }

    /// The instance's organizations as GlitchTip lists them now. What decodes replaces the
    /// cache's entry (the cache learns, as from a project's fresh read).
    private func freshOrganizations() async throws -> [GlitchTipOrganization] {
        let items = try await organizations.organizationItems()
        let listed = try GlitchTipDecoding.organizations(items)
        await projects.cache?.replace(CacheKey.organizations(instance: instance), with: items, seal: projects.seal)
        return listed
    }
}
