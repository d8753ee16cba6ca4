import GTCommon

/// Reads one instance's live state (docs/rules.md, "Current state"): organizations, the projects of each managed
/// organization, the alerts of each managed project, through the cache, concurrently.
///
/// Fails closed: a listing that fails for any reason gives an `error` record for its scope and
/// no `project` record under it; the other scopes go on.
struct CurrentStateFetcher: Sendable {
    let instance: String
    /// App-Interface organization name → the slugs of its managed projects.
    let managed: [String: [String]]
    /// `--all-projects`: every project of every organization, managed or not.
    let allProjects: Bool
    let client: GlitchTipClient
    let cache: ListingCache
    let seal: CacheSeal?
    let progress: ProgressLine?
    /// Project tasks started at once per organization: a window a few times the transport's
    /// bound keeps it busy without creating 10,000 tasks for a 10,000-project organization.
    let window: Int
    /// Listings in progress at once for this instance, across all its organizations. A listing
    /// that misses holds its cache key's lock file while its request waits for a transfer slot,
    /// so this bound (twice the transport's) is what bounds the descriptors held, whatever the
    /// number of organizations and projects (docs/architecture.md, "Concurrency").
    let permits: AsyncPermits

    func fetch() async -> [EncodedRecord] {
        let organizations: [GlitchTipOrganization]
        do {
            organizations = try GlitchTipDecoding.organizations(
                try await listing(.organizations, key: CacheKey.organizations(instance: instance)))
        } catch {
            return [EncodedRecord(NoticeRecord(.error, instance: instance, message: "\(instance): listing organizations failed: \(error)").json)]
        }
        var records: [EncodedRecord] = []
        var targets: [(name: String, organization: GlitchTipOrganization, projects: [String]?)] = []
        if allProjects {
            targets = organizations.map { ($0.name, $0, nil) }
        } else {
            for (name, projects) in managed.sorted(by: { $0.key < $1.key }) {
                if let organization = OrganizationMatcher.match(name, in: organizations) {
                    targets.append((name, organization, projects))
                } else {
                    records.append(EncodedRecord(MissingRecord(instance: instance, organization: name).json))
                    records.append(EncodedRecord(NoticeRecord(.warning, instance: instance, organization: name,
                                                message: "Organization '\(name)' not found in instance '\(instance)', skipping").json))
                }
            }
        }
        let collisions = OrganizationMatcher.collisions(targets.map { ($0.name, $0.organization.slug, $0.projects ?? []) })
        for (name, message) in collisions.sorted(by: { $0.key < $1.key }) {
            records.append(EncodedRecord(NoticeRecord(.error, instance: instance, organization: name,
                                                      message: "\(instance)/\(name): \(message)").json))
        }
        targets.removeAll { collisions[$0.name] != nil }
        await withTaskGroup(of: [EncodedRecord].self) { group in
            for target in targets {
                group.addTask { await fetchOrganization(target.name, target.organization, projects: target.projects) }
            }
            for await result in group { records += result }
        }
        return records
    }

    private func fetchOrganization(_ name: String, _ organization: GlitchTipOrganization, projects managedSlugs: [String]?)
        async -> [EncodedRecord]
    {
        let projects: [GlitchTipProject]
        do {
            projects = try GlitchTipDecoding.projects(try await listing(
                .projects(organization: organization.slug),
                key: CacheKey.projects(instance: instance, organization: organization.slug)))
        } catch {
            return [EncodedRecord(NoticeRecord(.error, instance: instance, organization: name,
                                               message: "\(instance)/\(name): listing projects failed: \(error)").json)]
        }
        let bySlug = Dictionary(projects.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
        var records: [EncodedRecord] = []
        var present: [GlitchTipProject] = []
        for slug in managedSlugs ?? projects.map(\.slug) {
            if let project = bySlug[slug] {
                present.append(project)
            } else {
                records.append(EncodedRecord(MissingRecord(instance: instance, organization: name, project: slug).json))
                records.append(EncodedRecord(NoticeRecord(.warning, instance: instance, organization: name, project: slug,
                                                          message: "Project '\(slug)' not found in org '\(name)', skipping").json))
            }
        }
        progress?.add(total: present.count)
        // One round trip for every project's entry where the tier can (Redis pipelines them).
        if seal != nil { cache.prefetch(present.map { CacheKey.alerts(ProjectKey(instance: instance, organization: organization.slug, project: $0.slug)) }) }
        await withTaskGroup(of: EncodedRecord.self) { group in
            var waiting = present.makeIterator()
            for _ in 0..<max(1, window) {
                guard let project = waiting.next() else { break }
                group.addTask { await fetchProject(name, organization, project) }
            }
            for await record in group {
                records.append(record)
                if let project = waiting.next() {
                    group.addTask { await fetchProject(name, organization, project) }
                }
            }
        }
        return records
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
        try await permits.withPermit { try await cache.value(for: key, seal: seal) { [client] in
            let items = try await client.items(of: listing)
            switch listing {
            case .organizations: _ = try GlitchTipDecoding.organizations(items)
            case .projects: _ = try GlitchTipDecoding.projects(items)
            case .alerts: _ = try GlitchTipDecoding.alerts(items)
            }
            return items
        } }
    }
}
