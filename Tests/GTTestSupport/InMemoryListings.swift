import GTGlitchTip
import GTHTTP
import GTStreams
import Synchronization

/// One GlitchTip instance's listings in memory (its organizations, each organization's
/// projects, each project's alerts) as `GlitchTipClient.items(of:)` hands them on, for in-process
/// tests of what reads them: every listing is logged in order, any listing fails on demand (a
/// status, a listing that does not add up), and the listings in flight are counted. Each answer
/// waits a few turns of the scheduler first, so concurrent readers really overlap.
public final class InMemoryListings: Sendable {
    private struct State {
        var items: [GlitchTipClient.Listing: [JSONValue]] = [:]
        var failures: [GlitchTipClient.Listing: HTTPError] = [:]
        var answerOnce: [GlitchTipClient.Listing: @Sendable () -> Bool] = [:]
        var answered: Set<GlitchTipClient.Listing> = []
        var log: [String] = []
        var inFlight = 0
        var peakInFlight = 0
    }

    private let state = Mutex(State())
    /// Scheduler turns each answer waits (`Task.yield`, never a clock).
    private let turns: Int

    public init(turns: Int = 8) { self.turns = turns }

    /// Adds an organization (and, with `projects`, each project by slug, name and alerts).
    public func addOrganization(_ name: String, slug: String, projects: [(slug: String, name: String, alerts: [JSONValue])] = []) {
        state.withLock { state in
            state.items[.organizations, default: []].append(["name": .string(name), "slug": .string(slug)])
            state.items[.projects(organization: slug)] = state.items[.projects(organization: slug)] ?? []
        }
        for project in projects { addProject(project.slug, name: project.name, alerts: project.alerts, organization: slug) }
    }

    public func addProject(_ slug: String, name: String, alerts: [JSONValue] = [], organization: String) {
        state.withLock { state in
            state.items[.projects(organization: organization), default: []].append(["name": .string(name), "slug": .string(slug)])
            state.items[.alerts(organization: organization, project: slug)] = alerts
        }
    }

    /// What `listing` answers from now on, decodable or not.
    public func replaceItems(of listing: GlitchTipClient.Listing, with items: [JSONValue]) {
        state.withLock { $0.items[listing] = items }
    }

    /// `listing` fails with `error` from now on (nil: it answers again).
    public func fail(_ listing: GlitchTipClient.Listing, with error: HTTPError?) {
        state.withLock { $0.failures[listing] = error }
    }

    /// `listing` is answered only once `other` has been, here or on `server` (or after a
    /// million turns, so a test whose `other` is never asked for fails rather than hangs):
    /// answers in an order a test chooses.
    public func answer(_ listing: GlitchTipClient.Listing, after other: GlitchTipClient.Listing, on server: InMemoryListings? = nil) {
        let server = server ?? self
        state.withLock { $0.answerOnce[listing] = { [weak server] in server?.wasAnswered(other) ?? true } }
    }

    public func wasAnswered(_ listing: GlitchTipClient.Listing) -> Bool { state.withLock { $0.answered.contains(listing) } }

    /// Every listing asked for, in order: `organizations`, `projects <org>`, `alerts <org>/<project>`.
    public var log: [String] { state.withLock { $0.log } }
    public func clearLog() { state.withLock { $0.log = [] } }
    /// The most listings that were in flight at once.
    public var peakInFlight: Int { state.withLock { $0.peakInFlight } }

    public func items(of listing: GlitchTipClient.Listing) async throws(HTTPError) -> [JSONValue] {
        let ready = state.withLock { state in
            state.log.append(Self.describe(listing))
            state.inFlight += 1
            state.peakInFlight = max(state.peakInFlight, state.inFlight)
            return state.answerOnce[listing]
        }
        for _ in 0..<turns { await Task.yield() }
        var spins = 0
        while let ready, !ready(), spins < 1_000_000 {
            spins += 1
            await Task.yield()
        }
        let answer: Result<[JSONValue], HTTPError> = state.withLock { state in
            state.inFlight -= 1
            state.answered.insert(listing)
            if let error = state.failures[listing] { return .failure(error) }
            return .success(state.items[listing] ?? [])
        }
        return try answer.get()
    }

    public static func describe(_ listing: GlitchTipClient.Listing) -> String {
        switch listing {
        case .organizations: "organizations"
        case .projects(let organization): "projects \(organization)"
        case .alerts(let organization, let project): "alerts \(organization)/\(project)"
        }
    }
}
