import GTCache
import GTGlitchTip
import GTHTTP
import GTStreams

/// The GlitchTip calls the current state is read with, and nothing else: the three paged
/// listings (docs/glitchtip.md). `GlitchTipClient` is the real one; tests put an in-memory
/// GlitchTip behind it.
public protocol ListingsAPI: Sendable {
    /// Every item of a listing, every page (a listing that does not add up throws), as
    /// ``GlitchTipDecoding`` reads them.
    func items(of listing: GlitchTipClient.Listing) async throws(HTTPError) -> [JSONValue]
}

extension GlitchTipClient: ListingsAPI {}

/// How a run reaches one instance: its listings, and the seal of its cache entries (a key
/// derived from its token; nil: nothing of it is read from or written to the shared tier).
public struct InstanceListings: Sendable {
    public let listings: any ListingsAPI
    public let seal: CacheSeal?

    public init(listings: any ListingsAPI, seal: CacheSeal?) {
        self.listings = listings
        self.seal = seal
    }
}

/// Connects to the instances of a run, one at a time, in stream order. The real one reads each
/// token through the secret stores (CurrentRun's `InstanceConnections`); a connection that
/// throws is an `error` record for that instance, and the other instances go on.
public protocol InstanceConnecting: Sendable {
    func connect(_ instance: InstanceRecord) async throws -> InstanceListings
}

/// Where the fetch reports the projects it will read and each one read (gt-current's progress
/// line); closures, so the core knows nothing of terminals.
public struct FetchProgress: Sendable {
    public let add: @Sendable (_ total: Int) -> Void
    public let advance: @Sendable () -> Void

    public init(add: @escaping @Sendable (_ total: Int) -> Void, advance: @escaping @Sendable () -> Void) {
        self.add = add
        self.advance = advance
    }
}
