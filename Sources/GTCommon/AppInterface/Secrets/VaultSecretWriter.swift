import GTStreams
import GTHTTP

/// Writes into Vault's KV version 2 without ever overwriting: a field already there with the
/// same value is left alone, one with another value stops the write (nothing is written), and
/// the write names the version it read (check-and-set), so a change made between the read and
/// the write is refused by Vault rather than replaced (README, "What gt never does").
///
/// Made by ``fromEnvironment(_:http:)``, the writer owns the transport it made: await
/// ``shutdown()`` once done (docs/architecture.md, "Transport lifecycle").
public struct VaultSecretWriter: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// This call wrote the fields: the secret's new version.
        case written(version: Int64)
        /// Every field already held the value: nothing was written by this call (or its answer
        /// was lost, and a fresh read shows the values in place).
        case alreadyThere
    }

    let store: VaultSecretStore
    let ownedTransport: HTTPTransport?

    init(store: VaultSecretStore, owning transport: HTTPTransport?) {
        self.store = store
        ownedTransport = transport
    }

    /// The writer for `VAULT_ADDR`, logging in as ``SecretResolver/fromEnvironment(_:http:)``
    /// does (`VAULT_TOKEN`, or AppRole). Throws when `VAULT_ADDR` is unset, and when
    /// `VAULT_NAMESPACE` is set: gt's Vault client reads from the root namespace, and a write
    /// elsewhere than gt reads (or than the operator meant) is refused rather than guessed.
    public static func fromEnvironment(_ environment: [String: String], http: HTTPClient) throws -> VaultSecretWriter {
        if let namespace = environment["VAULT_NAMESPACE"], !namespace.isEmpty {
            throw SecretError(secret: "(all)", reason: "VAULT_NAMESPACE is set, but gt's Vault client does not use namespaces (it reads secrets from the root namespace): unset it to write there, or use the commands file instead")
        }
        guard let (store, transport) = try VaultSecretStore.fromEnvironment(environment, http: http) else {
            throw SecretError(secret: "(all)", reason: "VAULT_ADDR is not set: writing to Vault needs VAULT_ADDR and VAULT_TOKEN (or VAULT_ROLE_ID and VAULT_SECRET_ID); without them, use the commands file instead")
        }
        return VaultSecretWriter(store: store, owning: transport)
    }

    /// Ends the transfer thread of the transport the writer made. Harmless twice.
    public func shutdown() async { await ownedTransport?.shutdown() }

    /// Adds `secret`'s fields at its path, keeping the fields already there.
    public func add(_ secret: NewSecret) async throws -> Outcome {
        let (mount, rest) = try secret.location()
        let kv = try await KV2Path(store: store, mount: mount, rest: rest, secret: secret)
        let before = try await kv.read()
        let clashing = secret.fields.keys.filter { name in
            before.fields[name].map { $0 != .string(secret.fields[name]!) } ?? false
        }.sorted()
        if !clashing.isEmpty {
            throw SecretError(secret: secret.path, reason: "\(clashing.count == 1 ? "field" : "fields") \(clashing.map { "'\($0)'" }.joined(separator: ", ")) already \(clashing.count == 1 ? "holds" : "hold") another value in \(store.label): nothing written, nothing overwritten")
        }
        if secret.fields.allSatisfy({ before.fields[$0.key] == .string($0.value) }) { return .alreadyThere }

        var data = before.fields
        for (name, value) in secret.fields { data[name] = .string(value) }
        switch try await kv.write(data, cas: before.version) {
        case .written(let version):
            return .written(version: version)
        case .refused:
            return try await kv.settle(after: "Vault refused the write: the secret changed between gt's read (version \(before.version)) and its write", before: before)
        case .unknown(let error):
            return try await kv.settle(after: "the write's answer was lost (\(error))", before: before)
        }
    }
}
