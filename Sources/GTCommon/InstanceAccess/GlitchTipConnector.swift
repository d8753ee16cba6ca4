import AppInterface
import GTStreams
import GTGlitchTip
import GTHTTP
import GTCache

/// Connects to the GlitchTip instance an `instance` record describes: its token read through
/// the secret store, its timeout and retries, a transport bounded to `concurrency` requests.
public struct GlitchTipConnector: Sendable {
    public let secrets: SecretResolver?
    public let concurrency: Int
    /// The process environment, as the command read it (the transports' CAs and proxies).
    public let environment: [String: String]

    public init(secrets: SecretResolver?, concurrency: Int, environment: [String: String]) {
        self.secrets = secrets
        self.concurrency = concurrency
        self.environment = environment
    }

    public struct Connection: Sendable {
        public let client: GlitchTipClient
        public let http: HTTPClient
        /// Seals this instance's cache entries (a key derived from its token).
        public let cacheSeal: CacheSeal?
    }

    public func connect(_ instance: InstanceRecord) async throws -> Connection {
        let ref = instance.token
        guard let secrets else {
            throw SecretError(secret: ref.description, reason: "no secret store is set: set VAULT_ADDR (with VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID) or GT_SECRETS_FILE")
        }
        let token = try await secrets.value(of: ref)
        // Checked where they were read (docs/rules.md, "Numbers"); clamped again here, so a
        // record made in code cannot make the arithmetic trap either.
        let http = HTTPClient(transport: HTTPTransport(maxConcurrent: concurrency, environment: environment),
                              retry: RetryPolicy(maxRetries: Int(instance.maxRetries.clamped(to: NumberRange.maxRetries))))
        let client = GlitchTipClient(baseURL: instance.consoleURL, token: token, http: http,
                                     timeoutMilliseconds: Int(instance.readTimeout.clamped(to: NumberRange.readTimeout)) * 1000)
        return Connection(client: client, http: http, cacheSeal: CacheSeal(secret: token))
    }
}
