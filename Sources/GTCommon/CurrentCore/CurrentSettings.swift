import GTCache
import GTStreams

/// What one current-state run is asked for, whichever front end asks (gt-current's flags and
/// environment, or a server's request).
public struct CurrentSettings: Sendable {
    /// Requests in flight per instance (`--concurrency`).
    public let concurrency: Int
    /// Every project of every organization, managed or not (`--all-projects`).
    public let allProjects: Bool
    /// Never read a cache entry; still write the fresh one (`--refresh`).
    public let refresh: Bool
    public let ttl: CacheTTLs
    /// Where parts held until their turn spill (``OrderedSegments``): the front end's TMPDIR.
    public let spillDirectory: String

    /// The range `--concurrency` is checked against where it is read.
    public static let concurrencyRange = 1...256

    /// `concurrency` outside ``concurrencyRange`` is clamped to it: a number made in code, which
    /// no reader checked, cannot make the windows' arithmetic trap (docs/rules.md, "Numbers").
    public init(concurrency: Int, allProjects: Bool = false, refresh: Bool = false, ttl: CacheTTLs = CacheTTLs(),
                spillDirectory: String = "/tmp") {
        self.concurrency = min(max(concurrency, Self.concurrencyRange.lowerBound), Self.concurrencyRange.upperBound)
        self.allProjects = allProjects
        self.refresh = refresh
        self.ttl = ttl
        self.spillDirectory = spillDirectory
    }
}

/// The instances a run reads and what is managed in each: App-Interface's keys, or a request's.
public struct ManagedFleet: Sendable {
    /// In stream order (by name).
    public let instances: [InstanceRecord]
    /// Instance name → organization name → slugs of the managed projects.
    public let managed: [String: [String: [String]]]

    /// - Parameter keys: the managed projects, in any order (App-Interface's come in stream
    ///   order); a key given twice is managed once.
    public init(instances: [InstanceRecord], keys: [ProjectKey]) {
        self.instances = instances.sorted { utf8Precedes($0.name, $1.name) }
        var managed: [String: [String: [String]]] = [:]
        for key in keys where managed[key.instance]?[key.organization]?.last != key.project {
            managed[key.instance, default: [:]][key.organization, default: []].append(key.project)
        }
        // Sorted and unique per organization: a project record written twice is a stream its
        // readers refuse (already sorted keys cost one pass).
        self.managed = managed.mapValues { organizations in
            organizations.mapValues { slugs in
                slugs.sorted(by: utf8Precedes).reduce(into: []) { if $0.last != $1 { $0.append($1) } }
            }
        }
    }
}
