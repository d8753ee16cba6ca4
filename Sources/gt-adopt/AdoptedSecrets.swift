import AppInterface
import GTHTTP
import GTStreams

/// Where the adopted webhook URLs that carry credentials go (docs/adoption.md, "Secrets"): a
/// new 0600 file of `vault kv put` commands (the default), or Vault itself. Only paths and
/// field names are ever printed.
struct AdoptedSecrets {
    let secrets: [NewSecret]
    let vault: Bool
    let file: String?
    let environment: [String: String]
    let http: HTTPClient

    func store(diagnostics: Diagnostics) async throws {
        let fields = secrets.reduce(0) { $0 + $1.fields.count }
        let stderr = FileOutput.standardError()
        if vault {
            let writer = try VaultSecretWriter.fromEnvironment(environment, http: http)
            do {
                for secret in secrets {
                    let outcome = try await writer.add(secret)
                    let what = outcome == .alreadyThere ? "already in Vault" : "written to Vault"
                    stderr.write("gt-adopt: \(secret.path): \(secret.fields.keys.sorted().joined(separator: ", ")) \(what)\n")
                }
            } catch {
                await writer.shutdown()
                throw error
            }
            await writer.shutdown()
        } else {
            let path = file ?? "gt-adopt-secrets-\(AdoptionDate.stamp()).sh"
            try SecretsScript.write(secrets, to: path)
            stderr.write("gt-adopt: \(fields) webhook URL\(fields == 1 ? "" : "s") that carry credentials are in \(path) (mode 0600): "
                + "review it, run it to store them in Vault, then delete it\n")
        }
        stderr.flush()
    }
}
