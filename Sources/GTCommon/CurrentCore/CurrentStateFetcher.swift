import GTCache
import GTGlitchTip
import GTHTTP
import GTStreams

/// Reads one instance's live state (docs/rules.md, "Current state"): organizations, the projects of each managed
/// organization, the alerts of each managed project, through the cache, concurrently.
///
/// Fails closed: a listing that fails for any reason gives an `error` record for its scope and
/// no `project` record under it; the other scopes go on.
public struct CurrentStateFetcher: Sendable {
    let instance: String
    /// App-Interface organization name → the slugs of its managed projects.
    let managed: [String: [String]]
    /// `--all-projects`: every project of every organization, managed or not.
    let allProjects: Bool
    let client: any ListingsAPI
    let cache: ListingCache
    let seal: CacheSeal?
    let progress: FetchProgress?
    /// Where organizations held until their turn spill (``OrderedSegments``).
    let spillDirectory: String
    /// Project tasks started at once per organization: a window a few times the transport's
    /// bound keeps it busy without creating 10,000 tasks for a 10,000-project organization.
    let window: Int
    /// Listings in progress at once for this instance, across all its organizations. A listing
    /// that misses holds its cache key's lock file while its request waits for a transfer slot,
    /// so this bound (twice the transport's) is what bounds the descriptors held, whatever the
    /// number of organizations and projects (docs/architecture.md, "Concurrency").
    let permits: AsyncPermits
    /// Listings being read from GlitchTip at once: `concurrency`, so the requests in flight
    /// are bounded here, whatever the client's transport does.
    let requests: AsyncPermits

    /// - Parameter managed: App-Interface organization name → the slugs of its managed projects.
    public init(instance: String, managed: [String: [String]], settings: CurrentSettings, connection: InstanceListings,
                cache: ListingCache, progress: FetchProgress?) {
        self.instance = instance
        self.managed = managed
        self.allProjects = settings.allProjects
        self.client = connection.listings
        self.cache = cache
        self.seal = connection.seal
        self.progress = progress
        self.spillDirectory = settings.spillDirectory
        self.window = settings.concurrency * 4
        self.permits = AsyncPermits(settings.concurrency * 2)
        self.requests = AsyncPermits(settings.concurrency)
    }

    /// Organizations in flight at once, counted from the first not yet written: the ones after
    /// it are held (see ``OrderedSegments``) until it is done.
    var organizationWindow: Int { max(2, window / 4) }

    /// Writes the instance's records to `sink` in stream order (docs/streams.md, "Order") as
    /// they are fetched: organizations by name, projects by slug.
    public func fetch(into sink: any RecordSink) async {
        let organizations: [GlitchTipOrganization]
        do {
            organizations = try GlitchTipDecoding.organizations(
                try await listing(.organizations, key: CacheKey.organizations(instance: instance)))
        } catch {
            return sink.write(EncodedRecord(NoticeRecord(.error, instance: instance,
                                                         message: "\(instance): listing organizations failed: \(error)").json))
        }
        let parts = OrganizationParts(instance: instance, managed: managed, allProjects: allProjects).parts(of: organizations)
        let segments = OrderedSegments(parent: sink, spillDirectory: spillDirectory)
        await withTaskGroup(of: Void.self) { group in
            var next = 0
            func startWithinWindow() -> [(Int, OrganizationParts.Target)] {
                var started: [(Int, OrganizationParts.Target)] = []
                while next < parts.count, next < segments.head + organizationWindow {
                    let segment = segments.segment(next)
                    switch parts[next] {
                    case .records(let records):
                        records.forEach(segment.write)
                        segment.finish()
                    case .fetch(let target):
                        started.append((next, target))
                    }
                    next += 1
                }
                return started
            }
            for (index, target) in startWithinWindow() {
                group.addTask { await fetchOrganization(target, into: segments.segment(index)) }
            }
            while await group.next() != nil {
                for (index, target) in startWithinWindow() {
                    group.addTask { await fetchOrganization(target, into: segments.segment(index)) }
                }
            }
        }
    }

    /// One organization's records, projects in slug order, through a window of `window`
    /// projects: a project's record waits for those before it, and no project starts more than
    /// `window` places after the first one not yet written.
    private func fetchOrganization(_ target: OrganizationParts.Target, into segment: OrderedSegments.Segment) async {
        defer { segment.finish() }
        let (name, organization) = (target.name, target.organization)
        let projects: [GlitchTipProject]
        do {
            projects = try GlitchTipDecoding.projects(try await listing(
                .projects(organization: organization.slug),
                key: CacheKey.projects(instance: instance, organization: organization.slug)))
        } catch {
            return segment.write(EncodedRecord(NoticeRecord(.error, instance: instance, organization: name,
                                                            message: "\(instance)/\(name): listing projects failed: \(error)").json))
        }
        let items = OrganizationParts.items(name: name, projects: projects, managed: target.projects, instance: instance)
        progress?.add(items.reduce(0) { if case .project = $1 { $0 + 1 } else { $0 } })
        var ready: [Int: [EncodedRecord]] = [:]
        var written = 0
        var started = 0
        await withTaskGroup(of: (Int, EncodedRecord).self) { group in
            while written < items.count {
                while started < items.count, started < written + max(1, window) {
                    if started % 256 == 0 { await prefetch(items[started..<min(items.count, started + 256)], organization) }
                    switch items[started] {
                    case .records(let records): ready[started] = records
                    case .project(let project):
                        let index = started
                        group.addTask { (index, await fetchProject(name, organization, project)) }
                    }
                    started += 1
                }
                while let records = ready.removeValue(forKey: written) {
                    records.forEach(segment.write)
                    written += 1
                }
                if written < items.count, ready[written] == nil, let (index, record) = await group.next() {
                    ready[index] = [record]
                }
            }
        }
    }

    /// One round trip for the next projects' entries where the tier can (Redis pipelines them).
    private func prefetch(_ items: ArraySlice<OrganizationParts.Item>, _ organization: GlitchTipOrganization) async {
        guard seal != nil else { return }
        await cache.prefetch(items.compactMap { item in
            guard case .project(let project) = item else { return nil }
            return CacheKey.alerts(ProjectKey(instance: instance, organization: organization.slug, project: project.slug))
        })
    }

    private func fetchProject(_ name: String, _ organization: GlitchTipOrganization, _ project: GlitchTipProject) async -> EncodedRecord {
        defer { progress?.advance() }
        do {
            let alerts = try GlitchTipDecoding.alerts(try await listing(
                .alerts(organization: organization.slug, project: project.slug),
                key: CacheKey.alerts(ProjectKey(instance: instance, organization: organization.slug, project: project.slug))))
            let records = alerts.map(AlertRecord.init).sorted {
                $0.name != $1.name ? $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) : ($0.pk ?? 0) < ($1.pk ?? 0)
            }
            return EncodedRecord(ProjectRecord(instance: instance, organization: name, organizationSlug: organization.slug,
                                               project: project.slug, name: project.name, alerts: records))
        } catch {
            return EncodedRecord(NoticeRecord(.error, instance: instance, organization: name, project: project.slug,
                                              message: "\(instance)/\(name)/\(project.slug): listing alerts failed: \(error)").json)
        }
    }

    /// A listing through the cache. What GlitchTip sent must also decode, or it is not cached.
    private func listing(_ listing: GlitchTipClient.Listing, key: String) async throws -> [JSONValue] {
        try await permits.withPermit { try await cache.value(for: key, seal: seal) { [client, requests] in
            let items = try await requests.withPermit { try await client.items(of: listing) }
            switch listing {
            case .organizations: _ = try GlitchTipDecoding.organizations(items)
            case .projects: _ = try GlitchTipDecoding.projects(items)
            case .alerts: _ = try GlitchTipDecoding.alerts(items)
            }
            return items
        } }
    }
}
