import CurrentCore
import GTHTTP
import GTStreams
import InstanceAccess
import Synchronization

/// The real ``InstanceConnecting``: each instance through InstanceAccess's `GlitchTipConnector`
/// (its token read through the secret stores, a transport of its own bounded to the run's
/// concurrency), or a front end's function over it; every client kept so the run can count its requests and end its transport.
final class InstanceConnections: InstanceConnecting {
    private let connector: @Sendable (InstanceRecord) async throws -> GlitchTipConnector.Connection
    private let opened = Mutex<[HTTPClient]>([])

    init(_ connector: @escaping @Sendable (InstanceRecord) async throws -> GlitchTipConnector.Connection) { self.connector = connector }

    func connect(_ instance: InstanceRecord) async throws -> InstanceListings {
        let connection = try await connector(instance)
        opened.withLock { $0.append(connection.http) }
        return InstanceListings(listings: connection.client, seal: connection.cacheSeal)
    }

    var clients: [HTTPClient] { opened.withLock { $0 } }

    /// Ends every transport opened (docs/architecture.md, "Transport lifecycle").
    func shutdown() async {
        for http in clients { await http.transport.shutdown() }
    }
}

extension HTTPClient {
    /// Runs `body` with this client, then ends its transport, whether `body` returned or threw
    /// (`defer` cannot await): the one way a run holds a transport it made.
    func closing<T>(_ body: (HTTPClient) async throws -> T) async rethrows -> T {
        let result: T
        do { result = try await body(self) } catch {
            await transport.shutdown()
            throw error
        }
        await transport.shutdown()
        return result
    }
}
