import GTStreams

/// The default way adopted secrets reach Vault: a new file of `vault kv put` commands, mode
/// 0600, that the operator reviews, runs and deletes. Each command writes only a secret that
/// does not exist yet (`-cas=0`), so running it never overwrites (README, "What gt never does").
public enum SecretsScript {
    /// The script: a `#!/bin/sh` header, `set -eu`, a comment saying what it is, then one
    /// `vault kv put -mount=<mount> -cas=0 <path> 'field=value' …` per path (paths and fields
    /// sorted, one path's fields gathered into one command), every argument single-quoted.
    /// Throws, naming the path and field, for what the vault CLI would read otherwise than as
    /// written: a value `-` (stdin) or starting with `@` (a file), a field name empty or with
    /// `=`, a path without a mount, a path within the mount starting with `-` (a flag), a NUL.
    public static func text(_ secrets: [NewSecret]) throws -> String {
        var lines = [
            "#!/bin/sh",
            "# Vault secrets for the webhook URLs gt-adopt moved out of App-Interface (urlSecret).",
            "# THIS FILE HOLDS SECRET VALUES: run it once (with VAULT_ADDR and a Vault token set),",
            "# then delete it.",
            "# Each command writes a secret that does not exist yet: with -cas=0 Vault refuses a path",
            "# that exists already, and nothing is overwritten. If one is refused, review that secret",
            "# and add its fields by hand with `vault kv patch`; the script stops there (set -e), so",
            "# remove the commands already done before running the rest.",
            "set -eu",
        ]
        for (path, fields) in try merged(secrets) {
            let (mount, rest) = try NewSecret(path: path, fields: fields).location()
            guard !rest.hasPrefix("-") else {
                throw SecretError(secret: path, reason: "the path within the mount starts with '-', which the vault CLI reads as a flag")
            }
            var words = ["vault", "kv", "put", quoted("-mount=" + mount), "-cas=0", quoted(rest)]
            for name in fields.keys.sorted(by: utf8Precedes) {
                let value = fields[name]!
                let field = SecretRef(path: path, field: name).description
                if name.contains("=") {
                    throw SecretError(secret: field, reason: "a field name with '=' cannot be given to the vault CLI")
                }
                if value == "-" || value.hasPrefix("@") {
                    throw SecretError(secret: field, reason: "the vault CLI would read this value (a '-' or starting with '@') from stdin or a file: write it by hand")
                }
                if (path + name + value).utf8.contains(0) {
                    throw SecretError(secret: field, reason: "a NUL character cannot be passed to the vault CLI")
                }
                words.append(quoted("\(name)=\(value)"))
            }
            lines.append(words.joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One entry per path, fields gathered; the same field with two values is refused.
    static func merged(_ secrets: [NewSecret]) throws -> [(String, [String: String])] {
        var byPath: [String: [String: String]] = [:]
        for secret in secrets {
            var fields = byPath[secret.path] ?? [:]
            for (name, value) in secret.fields {
                if let known = fields[name], known != value {
                    throw SecretError(secret: SecretRef(path: secret.path, field: name).description, reason: "given twice with different values")
                }
                fields[name] = value
            }
            byPath[secret.path] = fields
        }
        return byPath.sorted { utf8Precedes($0.key, $1.key) }.map { ($0.key, $0.value) }
    }

    /// `'text'`, with each `'` as `'\''`: the shell passes it through unchanged.
    static func quoted(_ text: String) -> String { "'" + text.replacing("'", with: #"'\''"#) + "'" }
}
