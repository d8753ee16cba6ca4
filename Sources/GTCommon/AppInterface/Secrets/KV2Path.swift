import GTStreams
import GTHTTP

/// One secret path of a KV version 2 mount, through Vault's HTTP API: the mount checked, the
/// secret read with its version, fields written with check-and-set. Messages name the path,
/// the field and the status, never a value or the token.
struct KV2Path: Sendable {
    /// The secret's current fields (JSON values, kept as they are) and version (0: none).
    struct Read: Sendable {
        var fields: [String: JSONValue]
        var version: Int64
    }

    enum WriteResult: Sendable {
        case written(Int64)
        /// Vault refused the check-and-set: another version came first.
        case refused
        /// No answer, or one that does not say whether Vault acted (a reset, a 5xx).
        case unknown(String)
    }

    let store: VaultSecretStore
    let secret: NewSecret
    let token: String
    /// `<address>/v1/<mount>/data/<rest>`, segments percent-encoded.
    let dataURL: String

    init(store: VaultSecretStore, mount: String, rest: String, secret: NewSecret) async throws {
        self.store = store
        self.secret = secret
        token = try await store.clientToken()
        let encodedRest = rest.split(separator: "/").map { Self.encode(String($0)) }.joined(separator: "/")
        dataURL = "\(store.address)/v1/\(Self.encode(mount))/data/\(encodedRest)"
        try await checkMount(mount, encodedRest: encodedRest)
    }

    static func encode(_ segment: String) -> String { PercentEncoding.encode(segment, keeping: PercentEncoding.isUnreserved) }

    private func fail(_ reason: String) -> SecretError { SecretError(secret: secret.path, reason: reason) }

    /// Refuses unless Vault says the path's mount is the first segment and KV version 2 (the
    /// vault CLI asks the same question): a KV v1 write has no check-and-set, so it could
    /// overwrite.
    private func checkMount(_ mount: String, encodedRest: String) async throws {
        let url = "\(store.address)/v1/sys/internal/ui/mounts/\(Self.encode(mount))/\(encodedRest)"
        let response = try await send(HTTPRequest(method: .get, url: url, headers: headers))
        let insteadNote = "gt writes only to KV version 2 mounts; use the commands file instead"
        guard response.status == 200, let data = Self.json(response)?["data"] else {
            throw fail("cannot tell the KV version of mount '\(mount)' (\(describe(response, url: url))): \(insteadNote)")
        }
        let type = data["type"]?.stringValue ?? "?"
        let version = data["options"]?["version"]?.stringValue ?? "1"
        guard type == "kv", version == "2" else {
            throw fail("mount '\(mount)' is \(type == "kv" ? "KV version \(version)" : "of type '\(type)'"): \(insteadNote)")
        }
        let mountPath = data["path"]?.stringValue ?? ""
        guard mountPath == mount + "/" else {
            throw fail("Vault's mount for this path is '\(mountPath)', but gt reads a path's first segment as its mount: \(insteadNote)")
        }
    }

    func read() async throws -> Read {
        let response = try await send(HTTPRequest(method: .get, url: dataURL, headers: headers))
        let body = Self.json(response)
        let metadata = body?["data"]?["metadata"]
        if response.status == 404 {
            // A latest version deleted or destroyed answers 404 with its metadata: someone
            // removed it on purpose; a new version on top is for a person to decide.
            if let version = metadata?["version"]?.intValue, version > 0 {
                throw fail("the latest version (\(version)) is deleted or destroyed in \(store.label): nothing written; review it and write by hand")
            }
            return Read(fields: [:], version: 0)
        }
        guard response.status == 200 else { throw fail(describe(response, url: dataURL)) }
        guard let fields = body?["data"]?["data"]?.objectValue, let version = metadata?["version"]?.intValue, version > 0 else {
            throw fail("unexpected answer from \(store.label) reading the secret")
        }
        return Read(fields: fields, version: version)
    }

    /// Sent once (a POST is never repeated: docs/safety.md, "The transport never resends").
    func write(_ data: [String: JSONValue], cas: Int64) async throws -> WriteResult {
        var body: [UInt8] = []
        JSONValue.object(["data": .object(data), "options": .object(["cas": .int(cas)])]).write(to: &body)
        let request = HTTPRequest(method: .post, url: dataURL, headers: headers + [("Content-Type", "application/json")], body: body)
        let response: HTTPResponse
        do { response = try await store.http.send(request, retryable: false) } catch {
            guard error.isAmbiguous else { throw fail(scrubbed("\(error)")) }
            return .unknown(scrubbed("\(error)"))
        }
        if (200..<300).contains(response.status), let version = Self.json(response)?["data"]?["version"]?.intValue {
            return .written(version)
        }
        let detail = describe(response, url: dataURL)
        if response.status == 400, detail.contains("check-and-set") { return .refused }
        if response.status >= 500 || (200..<300).contains(response.status) { return .unknown(detail) }
        throw fail("\(detail): nothing written")
    }

    /// After a refused or unanswered write: a fresh read decides. Every field holding its value
    /// is success; anything else is an error, and nothing was overwritten.
    func settle(after what: String, before: Read) async throws -> VaultSecretWriter.Outcome {
        let now: Read
        do { now = try await read() } catch let error as SecretError {
            throw fail("\(what); a fresh read failed too (\(error.reason)): whether it was written is unknown, check it in Vault")
        }
        if secret.fields.allSatisfy({ now.fields[$0.key] == .string($0.value) }) { return .alreadyThere }
        if now.version == before.version {
            throw fail("\(what); a fresh read finds version \(now.version) unchanged: nothing written")
        }
        throw fail("\(what); the secret changed while gt wrote (now version \(now.version)): nothing overwritten")
    }

    private var headers: [(name: String, value: String)] { [("X-Vault-Token", token), ("Accept", "application/json")] }

    private func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        do { return try await store.http.send(request) } catch { throw fail(scrubbed("\(error)")) }
    }

    static func json(_ response: HTTPResponse) -> JSONValue? {
        response.isJSON ? try? JSONValue(parsing: response.body) : nil
    }

    private func describe(_ response: HTTPResponse, url: String) -> String {
        do { try HTTPClient.requireSuccess(response, url: RedactedURL(url)) } catch { return scrubbed("\(error)") }
        return "\(RedactedURL(url)): HTTP \(response.status)"
    }

    /// Vault's messages never echo a value, but a proxy's might: the values being written and
    /// the token are cut out of any text shown.
    private func scrubbed(_ text: String) -> String {
        var text = text
        for value in [token] + secret.fields.values where value.count >= 4 {
            text = text.replacing(value, with: "…")
        }
        return text
    }
}
