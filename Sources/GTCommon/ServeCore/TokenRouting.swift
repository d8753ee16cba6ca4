import AppInterface
import ApplyRun
import GTHTTP
import GTStreams
import InstanceAccess

/// Which secret store reads each instance's token. A request names the store by its
/// `secret_manager_url`; the reference reads a reference from the configured store whose
/// address is that URL. gt has one store: with `GT_SECRETS_FILE` set, that file answers every
/// reference (local use, tests); else Vault (`VAULT_ADDR`, token or AppRole) answers the
/// references whose URL is `VAULT_ADDR`. An instance no store serves is refused alone, by name:
/// its token is never asked of a store the request did not name. With ``InstancePins``, an
/// instance whose URL or token reference is not its pin's is refused too, before any read.
struct TokenRouting: Sendable {
    /// The store, nil when the environment sets none.
    let secrets: SecretResolver?
    /// Instance name → why its token cannot be read.
    let refused: [String: String]

    struct Refused: Error, CustomStringConvertible { let description: String }

    /// - Parameter http: lends Vault's client its retry policy and counters.
    static func make(_ request: ReconcileRequest, environment: [String: String], http: HTTPClient,
                     pins: InstancePins? = nil) throws -> TokenRouting {
        var secrets: SecretResolver?
        var serves: (String) -> Bool = { _ in true }
        var store = "GT_SECRETS_FILE"
        if let path = environment["GT_SECRETS_FILE"], !path.isEmpty {
            secrets = SecretResolver(store: try SecretsFile(path: path))
        } else if let address = environment["VAULT_ADDR"], !address.isEmpty {
            secrets = try SecretResolver.fromEnvironment(environment, http: http)
            serves = { Self.sameAddress($0, address) }
            store = "Vault at VAULT_ADDR \(RedactedURL(address))"
        }
        var refused: [String: String] = [:]
        for instance in request.instances {
            let url = instance.token.secretManagerURL
            if let refusal = pins?.refusal(instance) {
                refused[instance.name] = refusal
            } else if secrets == nil {
                refused[instance.name] = "instance '\(instance.name)': no secret store is set for its token: set VAULT_ADDR "
                    + "(with VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID) or GT_SECRETS_FILE"
            } else if !serves(url) {
                refused[instance.name] = "instance '\(instance.name)': its token's secret_manager_url \(RedactedURL(url)) is not "
                    + "\(store): no configured secret store serves it, so its token is not read"
            }
        }
        return TokenRouting(secrets: secrets, refused: refused)
    }

    /// Two addresses of one store: equal but for trailing slashes (as Vault's client drops them).
    static func sameAddress(_ a: String, _ b: String) -> Bool {
        func trimmed(_ url: String) -> Substring {
            var url = Substring(url)
            while url.hasSuffix("/") { url = url.dropLast() }
            return url
        }
        return trimmed(a) == trimmed(b)
    }

    /// Connects `instance` through the store that serves it, or refuses it.
    func connector(concurrency: Int, environment: [String: String]) -> @Sendable (InstanceRecord) async throws -> GlitchTipConnector.Connection {
        let connector = GlitchTipConnector(secrets: secrets, concurrency: concurrency, environment: environment)
        return { [refused] instance in
            if let reason = refused[instance.name] { throw Refused(description: reason) }
            return try await connector.connect(instance)
        }
    }
}

/// ApplyRun's connector for a task: each instance through ``TokenRouting``. The secret store
/// the run opened from the environment is not used, only ended with the task's own.
struct RoutedSessions: InstanceConnector {
    let routing: TokenRouting
    let opened: SecretResolver?
    let sessions: GlitchTipSessions

    init(routing: TokenRouting, opened: SecretResolver?, concurrency: Int, environment: [String: String]) {
        self.routing = routing
        self.opened = opened
        sessions = GlitchTipSessions(secrets: routing.secrets, concurrency: concurrency, environment: environment)
    }

    func connect(_ instance: InstanceRecord) async throws -> InstanceSession {
        if let reason = routing.refused[instance.name] { throw TokenRouting.Refused(description: reason) }
        return try await sessions.connect(instance)
    }

    func finishConnecting() async {
        await opened?.shutdown()
        await sessions.finishConnecting()
    }
}
