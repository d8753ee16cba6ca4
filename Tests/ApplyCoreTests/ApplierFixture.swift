import ApplyCore
import GTGlitchTip
import GTStreams
import GTCache

/// One project (`glitchtip/Org/web`, GlitchTip slug `org`) in an ``InMemoryGlitchTip``, a real
/// `ListingCache` over a ``RecordingCacheTier``, and the applier between them: the actions a
/// test gives it run in process, and every call and cache operation lands in one ``EventLog``.
struct ApplierFixture {
    let log = EventLog()
    let glitchtip: InMemoryGlitchTip
    let tier: RecordingCacheTier
    let cache: ListingCache
    let seal = CacheSeal(secret: "planted-instance-token")!
    /// The project's alerts entry (docs/architecture.md, "What gt-apply's fresh read teaches the cache").
    let key = "glitchtip:glitchtip:org:web:alerts"
    static let alertsPath = "/api/0/projects/org/web/alerts/"
    static let hook = RecipientRecord(type: "webhook", url: "https://hooks.example/a")
    static let mail = RecipientRecord(type: "email", url: "")

    /// - Parameter projects: more projects of `org` than `web`, without alerts.
    init(alerts: [JSONValue] = [], projects: [String] = []) {
        glitchtip = InMemoryGlitchTip(log: log, alerts: alerts, projects: projects)
        tier = RecordingCacheTier(log: log)
        cache = ListingCache(tier: tier, ttl: CacheTTLs())
    }

    static func alert(_ name: String, quantity: Int64 = 1, recipients: [RecipientRecord] = [hook], pk: Int64? = nil,
                      extra: [String: JSONValue] = [:]) -> AlertRecord {
        AlertRecord(name: name, timespanMinutes: 5, quantity: quantity, recipients: recipients, pk: pk, extra: extra)
    }

    /// `alert` as GlitchTip lists it, under `pk`, with its unmanaged fields.
    static func wire(_ alert: AlertRecord, pk: Int64) -> JSONValue {
        InMemoryGlitchTip.wire(pk, alert.body(keeping: alert.extra))
    }

    static func action(_ type: ActionRecord.Kind, _ name: String, pk: Int64? = nil,
                       before: AlertRecord? = nil, after: AlertRecord? = nil, project: String = "web") -> ActionRecord {
        ActionRecord(type: type, instance: "glitchtip", organization: "Org", organizationSlug: "org", project: project,
                     alertName: name, pk: pk, before: before, after: after)
    }

    static func create(_ alert: AlertRecord) -> ActionRecord { action(.create, alert.name, after: alert) }

    static func update(_ before: AlertRecord, to after: AlertRecord) -> ActionRecord {
        action(.update, after.name, pk: before.pk, before: before, after: after)
    }

    static func delete(_ before: AlertRecord) -> ActionRecord { action(.delete, before.name, pk: before.pk, before: before) }

    /// Runs the applier on `actions` (indices 0…), and returns each action's state in words:
    /// `applied`, `failed: <error>`, `not started` or `in flight`.
    func apply(_ actions: [ActionRecord], shouldStop: @escaping @Sendable () -> Bool = { false },
               mayMutate: @escaping @Sendable () async -> String? = { nil }) async -> [String] {
        let progress = ApplyProgress(count: actions.count)
        let applier = ProjectApplier(client: glitchtip, cache: cache, seal: seal, shouldStop: shouldStop, mayMutate: mayMutate)
        await applier.apply(actions, at: Array(actions.indices), into: progress)
        return progress.snapshot.map { state in
            switch state {
            case .notStarted: "not started"
            case .inFlight: "in flight"
            case .done(let outcome): outcome.applied ? "applied" : "failed: \(outcome.error ?? "(no error)")"
            }
        }
    }

    /// The listing the cache entry holds now (opened with the instance's seal), or nil.
    var cachedItems: [JSONValue]? {
        guard let sealed = tier.entry(key), let bytes = seal.open(sealed, entry: key),
              let entry = try? JSONValue(parsing: bytes) else { return nil }
        return entry["items"]?.arrayValue
    }
}
