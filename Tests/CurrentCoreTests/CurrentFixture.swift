import CurrentCore
import Foundation
import GTCache
import GTGlitchTip
import GTHTTP
import GTStreams
import GTTestSupport
import Synchronization
import XCTest

/// The records a run wrote, in order, each as the stream carries it (one compact JSON line).
final class CollectedRecords: RecordSink {
    private let records = Mutex<[EncodedRecord]>([])

    func write(_ record: EncodedRecord) { records.withLock { $0.append(record) } }
    var all: [EncodedRecord] { records.withLock { $0 } }
    var lines: [String] { all.map { String(decoding: $0.bytes, as: UTF8.self) } }
    /// `<kind> <message>` of each notice, in order.
    var notices: [String] { all.filter { $0.message != nil }.map { "\($0.kind.rawValue) \($0.message!)" } }
}

/// `InMemoryListings` as the fetch reads GlitchTip.
struct InMemoryAPI: ListingsAPI {
    let server: InMemoryListings

    func items(of listing: GlitchTipClient.Listing) async throws(HTTPError) -> [JSONValue] {
        try await server.items(of: listing)
    }
}

/// Connects an instance to its in-memory GlitchTip (by name), sealing its cache entries with a
/// key of its own; an instance without one cannot be connected.
struct InMemoryConnector: InstanceConnecting {
    struct Refused: Error, CustomStringConvertible { let description: String }

    let servers: [String: InMemoryListings]
    let token: String

    func connect(_ instance: InstanceRecord) async throws -> InstanceListings {
        guard let server = servers[instance.name] else { throw Refused(description: "no secret store is set") }
        return InstanceListings(listings: InMemoryAPI(server: server), seal: CacheSeal(secret: "\(token)-of-\(instance.name)"))
    }
}

/// One or more in-memory GlitchTip instances read by `CurrentFetch` in process, the cache's
/// file tier in a temporary directory.
struct CurrentFixture {
    var servers: [String: InMemoryListings]
    let cacheDirectory: String
    /// Each instance's token (its cache entries' seal is derived from it).
    var token = "token"

    init(_ test: XCTestCase, servers: [String: InMemoryListings]) {
        self.servers = servers
        // A path not made yet: CacheDirectory creates it private (0700).
        cacheDirectory = test.scratchDirectory().appendingPathComponent("cache").path
    }

    static func instance(_ name: String) -> InstanceRecord {
        InstanceRecord(name: name, consoleURL: "https://\(name).example.com", token: SecretRef(path: "gt/\(name)", field: "token"),
                       readTimeout: 30, maxRetries: 3)
    }

    /// A cache over the fixture's directory (a new one per run, as a new process would have).
    func cache(refresh: Bool = false, ttl: CacheTTLs = CacheTTLs()) throws -> ListingCache {
        ListingCache(directory: try CacheDirectory(path: cacheDirectory), ttl: ttl, refresh: refresh)
    }

    /// Runs the fetch over `instances` (every server's by default) with `keys` managed, into a
    /// new sink; waits until every cache entry is on disk.
    func run(_ keys: [ProjectKey], instances: [String]? = nil, concurrency: Int = 4, allProjects: Bool = false,
             cache: ListingCache? = nil) async throws -> CollectedRecords {
        let cache = try cache ?? self.cache()
        let sink = CollectedRecords()
        let fleet = ManagedFleet(instances: (instances ?? Array(servers.keys)).map(Self.instance), keys: keys)
        let settings = CurrentSettings(concurrency: concurrency, allProjects: allProjects)
        await CurrentFetch(settings: settings, cache: cache, connector: InMemoryConnector(servers: servers, token: token))
            .run(fleet, into: sink)
        await cache.finishWrites()
        return sink
    }

    /// An alert as GlitchTip lists it.
    static func alert(_ name: String, pk: Int64, quantity: Int64 = 1) -> JSONValue {
        ["id": .int(pk), "name": .string(name), "timespanMinutes": 5, "quantity": .int(quantity),
         "alertRecipients": [["recipientType": "email", "url": ""]]]
    }

    static func keys(_ instance: String, _ organization: String, _ projects: String...) -> [ProjectKey] {
        projects.map { ProjectKey(instance: instance, organization: organization, project: $0) }
    }
}
