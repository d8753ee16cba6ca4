import GTStreams
import GTHTTP

extension VaultSecretStore {
    /// The Vault store the environment names (`VAULT_ADDR` with `VAULT_TOKEN`, or AppRole
    /// `VAULT_ROLE_ID`/`VAULT_SECRET_ID`) and the transport made for it, which its owner shuts
    /// down; nil when `VAULT_ADDR` is unset. `http` lends its retry policy and counters; Vault's
    /// CAs come from `environment`. Shared by the reader (``SecretResolver``) and the writer
    /// (``VaultSecretWriter``), so both log in and connect alike.
    static func fromEnvironment(_ environment: [String: String], http: HTTPClient) throws
        -> (VaultSecretStore, HTTPTransport)?
    {
        guard let address = environment["VAULT_ADDR"], !address.isEmpty else { return nil }
        let auth: Auth
        if let token = environment["VAULT_TOKEN"], !token.isEmpty {
            auth = .token(token)
        } else if let role = environment["VAULT_ROLE_ID"], let secret = environment["VAULT_SECRET_ID"],
                  !role.isEmpty, !secret.isEmpty {
            auth = .appRole(roleID: role, secretID: secret)
        } else {
            throw SecretError(secret: "(all)", reason: "VAULT_ADDR is set but neither VAULT_TOKEN nor VAULT_ROLE_ID and VAULT_SECRET_ID are")
        }
        // Vault gets a transport of its own: VAULT_CACERT/VAULT_CAPATH come first for it
        // (README, "Behind a company network"); retries and counters stay the caller's.
        let transport = HTTPTransport(maxConcurrent: http.transport.maxConcurrent, environment: environment,
                                      trust: TrustStore(environment: environment, for: .vault))
        let vaultHTTP = HTTPClient(transport: transport, retry: http.retry, counters: http.counters)
        return (VaultSecretStore(address: address, auth: auth, http: vaultHTTP), transport)
    }
}
