import ApplyCore
import AppInterface
import GTStreams
import GTHTTP
import GTCache
import InstanceAccess

/// How a run reaches an instance App-Interface trusts (``InstanceTrust`` decides which):
/// ``GlitchTipSessions`` through each instance's token; tests give an in-memory GlitchTip.
public protocol InstanceConnector: Sendable {
    func connect(_ instance: InstanceRecord) async throws -> InstanceSession
    /// Every instance is connected: no more secrets are read (Vault's transport ends here,
    /// docs/architecture.md, "Transport lifecycle").
    func finishConnecting() async
}

/// One connected instance: the calls the appliers make, the key that seals its cache entries,
/// and its transport, shut down before the run reports.
public struct InstanceSession: Sendable {
    public let api: any ProjectAlertsAPI & OrganizationsAPI
    public let seal: CacheSeal?
    public let counters: HTTPCounters?
    public let transport: HTTPTransport?

    public init(api: any ProjectAlertsAPI & OrganizationsAPI, seal: CacheSeal?, counters: HTTPCounters? = nil,
                transport: HTTPTransport? = nil) {
        self.api = api
        self.seal = seal
        self.counters = counters
        self.transport = transport
    }
}

/// The connector a run makes once App-Interface is read: from the secret store the environment
/// names (nil: none) and `--concurrency`.
public typealias InstanceConnectorFactory = @Sendable (_ secrets: SecretResolver?, _ concurrency: Int) -> any InstanceConnector

/// GlitchTip as it is: each instance's token read through the secret stores, a client on a
/// transport of `concurrency` slots (``GlitchTipConnector``).
public struct GlitchTipSessions: InstanceConnector {
    let connector: GlitchTipConnector

    public init(secrets: SecretResolver?, concurrency: Int, environment: [String: String]) {
        connector = GlitchTipConnector(secrets: secrets, concurrency: concurrency, environment: environment)
    }

    public func connect(_ instance: InstanceRecord) async throws -> InstanceSession {
        let connection = try await connector.connect(instance)
        return InstanceSession(api: connection.client, seal: connection.cacheSeal, counters: connection.http.counters,
                               transport: connection.http.transport)
    }

    public func finishConnecting() async { await connector.secrets?.shutdown() }
}
