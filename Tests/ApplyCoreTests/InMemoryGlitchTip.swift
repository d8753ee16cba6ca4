import ApplyCore
import GTGlitchTip
import GTStreams
import Synchronization
import GTHTTP
import GTCache

/// What the applier did, in order: every GlitchTip call (`GET`/`POST`/`PUT`/`DELETE` and the API
/// path, with the body sent) and every cache tier operation (`cache remove <key>`,
/// `cache write <key>`), so a test can state the order of reads, removals and mutations.
final class EventLog: Sendable {
    struct Event: Sendable, Equatable, CustomStringConvertible {
        var what: String
        var body: JSONValue?
        var description: String { what }
    }

    private let events = Mutex<[Event]>([])

    func append(_ what: String, body: JSONValue? = nil) { events.withLock { $0.append(Event(what: what, body: body)) } }
    var all: [Event] { events.withLock { $0 } }
    var lines: [String] { all.map(\.what) }
    /// The GlitchTip mutations only (no reads, no cache).
    var mutations: [Event] { all.filter { ["POST", "PUT", "DELETE"].contains($0.what.split(separator: " ").first ?? "") } }
}

/// One GlitchTip organization's project alerts in memory (`org/web`, and any other project a
/// test names), behind ``ProjectAlertsAPI``, and the instance's organizations behind
/// ``OrganizationsAPI``: stores what is created and updated as the server would (a pk
/// assigned), logs every call, and fails on demand, before or after storing, the way a lost
/// answer does.
final class InMemoryGlitchTip: ProjectAlertsAPI, OrganizationsAPI {
    enum CreateFault: Sendable {
        /// The alert is stored, then the answer is lost (a timeout, a reset, a 5xx).
        case storeThenFail(HTTPError)
        /// Nothing is stored (the commit lands later, or never).
        case failWithoutStoring(HTTPError)
        /// Another writer's alert (of the same name) is stored instead, then the answer is lost.
        case storeOtherThenFail(JSONValue, HTTPError)
    }

    private struct State {
        /// Project slug (in organization `org`) → its alerts.
        var projects: [String: [JSONValue]] = [:]
        var organizations: [JSONValue] = [["name": "Org", "slug": "org"]]
        var organizationFailure: HTTPError?
        var nextPK: Int64 = 100
        var listFailures: [HTTPError?] = []
        var createFault: CreateFault?
        var deleteAnswersNotFound = false
    }

    let log: EventLog
    private let state = Mutex(State())

    /// - Parameter projects: more projects of `org` than `web`, without alerts.
    init(log: EventLog, alerts: [JSONValue] = [], projects: [String] = []) {
        self.log = log
        state.withLock { state in
            state.projects["web"] = alerts
            for project in projects { state.projects[project] = [] }
        }
    }

    /// An alert as GlitchTip's listing shows it (django-ninja dialect, `id`).
    static func wire(_ pk: Int64, _ body: GlitchTipAlertBody) -> JSONValue {
        guard case .object(var fields) = body.json else { return body.json }
        fields["id"] = .int(pk)
        return .object(fields)
    }

    var alerts: [JSONValue] { state.withLock { $0.projects["web"] ?? [] } }
    /// The next listings fail with these errors, one each, in order (nil: that one succeeds).
    func failListings(_ errors: [HTTPError?]) { state.withLock { $0.listFailures = errors } }
    func failNextCreate(_ fault: CreateFault) { state.withLock { $0.createFault = fault } }
    func answerDeletesWithNotFound() { state.withLock { $0.deleteAnswersNotFound = true } }
    /// Someone else's change between the plan and the run.
    func replaceAlerts(_ alerts: [JSONValue]) { state.withLock { $0.projects["web"] = alerts } }
    /// What the organizations listing answers from now on (`name`, `slug`).
    func replaceOrganizations(_ organizations: [GlitchTipOrganization]) {
        state.withLock { $0.organizations = organizations.map { ["name": .string($0.name), "slug": .string($0.slug)] } }
    }
    /// The organizations listing as sent, decodable or not.
    func replaceOrganizationItems(_ items: [JSONValue]) { state.withLock { $0.organizations = items } }
    func failOrganizationListings(_ error: HTTPError) { state.withLock { $0.organizationFailure = error } }

    private func check(_ organization: String, _ project: String) {
        precondition(organization == "org" && state.withLock { $0.projects[project] != nil },
                     "unexpected project \(organization)/\(project)")
    }

    private func path(_ project: String) -> String { "/api/0/projects/org/\(project)/alerts/" }

    func organizationItems() async throws(HTTPError) -> [JSONValue] {
        log.append("GET /api/0/organizations/")
        let result: Result<[JSONValue], HTTPError> = state.withLock { state in
            state.organizationFailure.map { .failure($0) } ?? .success(state.organizations)
        }
        return try result.get()
    }

    func alertItems(organization: String, project: String) async throws(HTTPError) -> [JSONValue] {
        check(organization, project)
        log.append("GET \(path(project))")
        let result: Result<[JSONValue], HTTPError> = state.withLock { state in
            if !state.listFailures.isEmpty, let error = state.listFailures.removeFirst() { return .failure(error) }
            return .success(state.projects[project] ?? [])
        }
        return try result.get()
    }

    func alerts(organization: String, project: String) async throws(HTTPError) -> [GlitchTipAlert] {
        let items = try await alertItems(organization: organization, project: project)
        do { return try GlitchTipDecoding.alerts(items) } catch {
            throw .badJSON(url: RedactedURL("http://glitchtip.test" + path(project)), reason: "\(error)")
        }
    }

    func createAlert(organization: String, project: String, body: GlitchTipAlertBody) async throws(HTTPError) -> GlitchTipAlert {
        check(organization, project)
        log.append("POST \(path(project))", body: body.json)
        let result: Result<JSONValue, HTTPError> = state.withLock { state in
            let fault = state.createFault
            state.createFault = nil
            switch fault {
            case .failWithoutStoring(let error)?: return .failure(error)
            case .storeOtherThenFail(let other, let error)?:
                state.projects[project, default: []].append(other)
                return .failure(error)
            default: break
            }
            let stored = Self.wire(state.nextPK, body)
            state.nextPK += 1
            state.projects[project, default: []].append(stored)
            if case .storeThenFail(let error)? = fault { return .failure(error) }
            return .success(stored)
        }
        return try Self.decode(try result.get())
    }

    func updateAlert(organization: String, project: String, pk: Int64, body: GlitchTipAlertBody) async throws(HTTPError) -> GlitchTipAlert {
        check(organization, project)
        log.append("PUT \(path(project))\(pk)/", body: body.json)
        let stored = Self.wire(pk, body)
        state.withLock { state in state.projects[project] = state.projects[project]?.map { $0["id"]?.intValue == pk ? stored : $0 } }
        return try Self.decode(stored)
    }

    func deleteAlert(organization: String, project: String, pk: Int64) async throws(HTTPError) -> GlitchTipClient.DeleteOutcome {
        check(organization, project)
        log.append("DELETE \(path(project))\(pk)/")
        return state.withLock { state in
            if state.deleteAnswersNotFound { return .notFound }
            state.projects[project]?.removeAll { $0["id"]?.intValue == pk }
            return .deleted
        }
    }

    private static func decode(_ item: JSONValue) throws(HTTPError) -> GlitchTipAlert {
        do { return try GlitchTipDecoding.alerts([item])[0] } catch {
            throw .badJSON(url: RedactedURL("http://glitchtip.test"), reason: "\(error)")
        }
    }
}

/// A cache tier that only logs (``EventLog``) and keeps what is written, so a test sees when
/// the applier's `ListingCache` removes or replaces the project's entry.
final class RecordingCacheTier: CacheTier {
    let log: EventLog
    private let written = Mutex<[String: [UInt8]]>([:])

    init(log: EventLog) { self.log = log }

    func entry(_ key: String) -> [UInt8]? { written.withLock { $0[key] } }

    func read(_ key: String) throws -> [UInt8]? { nil }
    func read(_ keys: [String]) throws -> [[UInt8]?]? { nil }
    func write(_ key: String, _ bytes: [UInt8], seconds: Double) throws {
        log.append("cache write \(key)")
        written.withLock { $0[key] = bytes }
    }
    func remove(_ key: String) throws {
        log.append("cache remove \(key)")
        _ = written.withLock { $0.removeValue(forKey: key) }
    }
    func tryLock(_ key: String) throws -> (any CacheTierLock)? { nil }
    var lockWaitLimit: Double { 0 }
    let notices = CacheNotices()
}
