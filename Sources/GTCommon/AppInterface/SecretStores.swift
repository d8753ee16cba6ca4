import Foundation
import GTStreams
import GTHTTP

/// A secret that could not be read. Names the secret's path and field, never a value.
public struct SecretError: Error, Sendable, CustomStringConvertible {
    public let secret: String
    public let reason: String
    public var description: String { "secret \(secret): \(reason)" }

    public init(secret: String, reason: String) {
        self.secret = secret
        self.reason = reason
    }
}

/// Where secret values live: Vault, or a local secrets file.
public protocol SecretStore: Sendable {
    /// The fields of the secret at `path` (KV `version`, the latest when nil).
    func fields(path: String, version: Int64?) async throws -> [String: String]
    /// How messages name the store (`Vault at https://vault.example.com`).
    var label: String { get }
}

/// Resolves ``SecretRef``s through a store, reading each (path, version) once and decoding
/// `format: base64`.
///
/// A resolver made by ``fromEnvironment(_:http:)`` for Vault owns the transport it made: its
/// owner awaits ``shutdown()`` once the secrets are read, as every transport is shut down
/// before exit (docs/architecture.md, "Transport lifecycle").
public actor SecretResolver {
    private let store: SecretStore
    private var cache: [String: [String: String]] = [:]
    /// The transport made for Vault, ended by ``shutdown()``; nil for a store it was given.
    nonisolated let ownedTransport: HTTPTransport?

    public init(store: SecretStore) { self.init(store: store, owning: nil) }

    init(store: SecretStore, owning transport: HTTPTransport?) {
        self.store = store
        ownedTransport = transport
    }

    /// Ends the transfer thread of the transport the resolver made (Vault's), once its
    /// requests are done; a secret not read before fails after it. Harmless twice, and for a
    /// resolver that made no transport.
    public nonisolated func shutdown() async { await ownedTransport?.shutdown() }

    public func value(of ref: SecretRef) async throws -> String {
        let key = "\(ref.path)@\(ref.version.map(String.init) ?? "latest")"
        let fields: [String: String]
        if let cached = cache[key] {
            fields = cached
        } else {
            do { fields = try await store.fields(path: ref.path, version: ref.version) } catch let error as SecretError {
                throw SecretError(secret: ref.description, reason: error.reason)
            } catch {
                throw SecretError(secret: ref.description, reason: "\(error)")
            }
            cache[key] = fields
        }
        guard let raw = fields[ref.field] else {
            throw SecretError(secret: ref.description, reason: "no field '\(ref.field)' in \(store.label)")
        }
        switch ref.format {
        case .plain:
            return raw
        case .base64:
            guard let data = Data(base64Encoded: raw, options: .ignoreUnknownCharacters),
                  let text = String(data: data, encoding: .utf8)
            else {
                throw SecretError(secret: ref.description, reason: "format is base64 but the value does not decode to UTF-8 text")
            }
            return text
        }
    }

    /// The store the environment names: Vault when `VAULT_ADDR` is set (with `VAULT_TOKEN`, or
    /// AppRole `VAULT_ROLE_ID`/`VAULT_SECRET_ID`), else the secrets file `GT_SECRETS_FILE`.
    /// `http` lends its retry policy and counters; Vault's CAs come from `environment`. Vault's
    /// transport is the resolver's own: await ``shutdown()`` when done.
    public static func fromEnvironment(_ environment: [String: String], http: HTTPClient) throws -> SecretResolver? {
        if let (store, transport) = try VaultSecretStore.fromEnvironment(environment, http: http) {
            return SecretResolver(store: store, owning: transport)
        }
        if let path = environment["GT_SECRETS_FILE"], !path.isEmpty {
            return SecretResolver(store: try SecretsFile(path: path))
        }
        return nil
    }
}

/// A local secrets file, JSON or YAML: `{path: {field: value}}`. Versions are not kept.
public struct SecretsFile: SecretStore {
    private let secrets: [String: [String: String]]
    public let label: String

    public init(path: String) throws {
        label = "secrets file \(path)"
        let text: String
        do { text = String(decoding: try DirectoryListing.contents(of: path), as: UTF8.self) } catch {
            throw SecretError(secret: "(all)", reason: "\(label) cannot be read: \(error)")
        }
        let document: JSONValue
        do { document = try YAMLDocument.parse(text) } catch let error as YAMLDocument.LimitExceeded {
            // Says what limit was passed and where, never a text of the file.
            throw SecretError(secret: "(all)", reason: "\(label): \(error)")
        } catch {
            // Nothing of the parser's message is shown: the text it quotes may be a secret.
            throw SecretError(secret: "(all)", reason: "\(label) is neither JSON nor YAML")
        }
        guard case .object(let paths) = document else {
            throw SecretError(secret: "(all)", reason: "\(label) must map secret paths to {field: value}")
        }
        var secrets: [String: [String: String]] = [:]
        for (path, fields) in paths {
            guard case .object(let values) = fields else {
                throw SecretError(secret: path, reason: "\(label): expected {field: value}")
            }
            secrets[path] = values.compactMapValues(Self.text)
        }
        self.secrets = secrets
    }

    public init(secrets: [String: [String: String]], label: String = "secrets") {
        self.secrets = secrets
        self.label = label
    }

    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): d.description
        case .bool(let b): String(b)
        default: nil
        }
    }

    public func fields(path: String, version: Int64?) async throws -> [String: String] {
        guard let fields = secrets[path] else { throw SecretError(secret: path, reason: "not in \(label)") }
        return fields
    }
}

/// Vault's HTTP API: KV version 2 (`<mount>/data/<path>`, `version` honoured), falling back to
/// version 1 (`<path>`) when the v2 read finds nothing; token or AppRole login.
public actor VaultSecretStore: SecretStore {
    public enum Auth: Sendable {
        case token(String)
        case appRole(roleID: String, secretID: String)
    }

    // Internal, not private: the KV v2 writer (Secrets/) sends through the same address,
    // login and client.
    let address: String
    private let auth: Auth
    let http: HTTPClient
    private var token: String?
    public nonisolated let label: String

    public init(address: String, auth: Auth, http: HTTPClient) {
        var base = address
        while base.hasSuffix("/") { base.removeLast() }
        self.address = base
        self.auth = auth
        self.http = http
        label = "Vault at \(RedactedURL(base))"
    }

    func clientToken() async throws -> String {
        if let token { return token }
        switch auth {
        case .token(let t):
            token = t
        case .appRole(let role, let secret):
            var body: [UInt8] = []
            JSONValue.object(["role_id": .string(role), "secret_id": .string(secret)]).write(to: &body)
            let request = HTTPRequest(method: .post, url: address + "/v1/auth/approle/login",
                                      headers: [("Content-Type", "application/json")], body: body)
            let json: JSONValue
            do { (json, _) = try await http.sendExpectingJSON(request, retryable: true) } catch {
                throw SecretError(secret: "(all)", reason: "AppRole login to \(label) failed: \(error)")
            }
            guard let t = json["auth"]?["client_token"]?.stringValue else {
                throw SecretError(secret: "(all)", reason: "AppRole login to \(label) returned no client token")
            }
            token = t
        }
        return token!
    }

    public func fields(path: String, version: Int64?) async throws -> [String: String] {
        let token = try await clientToken()
        let parts = path.split(separator: "/", maxSplits: 1)
        if parts.count == 2 {
            let v2 = "\(address)/v1/\(parts[0])/data/\(parts[1])" + (version.map { "?version=\($0)" } ?? "")
            if let data = try await read(v2, token: token, path: path) {
                guard case .object(let inner)? = data["data"] else {
                    throw SecretError(secret: path, reason: "unexpected answer from \(label)")
                }
                return inner.compactMapValues(SecretsFile.text)
            }
        }
        if version == nil, let data = try await read("\(address)/v1/\(path)", token: token, path: path) {
            return data.objectValue?.compactMapValues(SecretsFile.text) ?? [:]
        }
        throw SecretError(secret: path + (version.map { "@\($0)" } ?? ""), reason: "not found in \(label)")
    }

    /// The `data` of a read, or nil on 404.
    private func read(_ url: String, token: String, path: String) async throws -> JSONValue? {
        let request = HTTPRequest(method: .get, url: url, headers: [("X-Vault-Token", token), ("Accept", "application/json")])
        let response: HTTPResponse
        do { response = try await http.send(request) } catch {
            throw SecretError(secret: path, reason: "\(error)")
        }
        if response.status == 404 { return nil }
        do {
            try HTTPClient.requireSuccess(response, url: RedactedURL(url))
        } catch {
            throw SecretError(secret: path, reason: "\(error)")
        }
        guard response.isJSON, let json = try? JSONValue(parsing: response.body), let data = json["data"] else {
            throw SecretError(secret: path, reason: "unexpected answer from \(label)")
        }
        return data
    }
}
