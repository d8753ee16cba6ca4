import GTCache
import GTStreams

/// A fleet's current stream body (docs/streams.md, "Order"): the `instance` records, then each
/// instance's part, connected one at a time and fetched concurrently, written as they come, the
/// parts after the first held until it is done. What a front end needs beside its sink: the
/// instances' connections (``InstanceConnecting``) and the cache (its hits, misses and
/// problems are the caller's to report).
public struct CurrentFetch: Sendable {
    public let settings: CurrentSettings
    public let cache: ListingCache
    public let connector: any InstanceConnecting

    public init(settings: CurrentSettings, cache: ListingCache, connector: any InstanceConnecting) {
        self.settings = settings
        self.cache = cache
        self.connector = connector
    }

    /// Writes `fleet`'s records to `sink` in stream order. Fails closed per scope: an instance
    /// that cannot be connected is one `error` record, the other instances go on.
    public func run(_ fleet: ManagedFleet, into sink: any RecordSink, progress: FetchProgress? = nil) async {
        fleet.instances.forEach { sink.write(EncodedRecord($0.json)) }
        let parts = OrderedSegments(parent: sink, spillDirectory: settings.spillDirectory)
        var fetchers: [(CurrentStateFetcher, OrderedSegments.Segment)] = []
        for (index, instance) in fleet.instances.enumerated() {
            let segment = parts.segment(index)
            do {
                let connection = try await connector.connect(instance)
                fetchers.append((CurrentStateFetcher(instance: instance.name, managed: fleet.managed[instance.name] ?? [:],
                                                     settings: settings, connection: connection, cache: cache,
                                                     progress: progress), segment))
            } catch {
                segment.write(EncodedRecord(NoticeRecord(.error, instance: instance.name,
                                                         message: "\(instance.name): cannot connect: \(error)").json))
                segment.finish()
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for (fetcher, segment) in fetchers {
                group.addTask {
                    await fetcher.fetch(into: segment)
                    segment.finish()
                }
            }
        }
    }
}
