import GTStreams

/// Whether a webhook URL carries a credential, so gt-adopt moves it into Vault instead of the
/// datafile (docs/adoption.md, "Secrets"). Errs towards a secret: a URL wrongly kept out of the
/// YAML costs a Vault entry; one wrongly written into it leaks into git history.
public enum CredentialURL {
    /// Query parameters whose value is a credential, matched anywhere in the name, lower-cased
    /// and percent-decoded (`api_key`, `access_token`, `X-Signature`, `%74oken`).
    static let secretParameters = ["token", "key", "secret", "password", "passwd", "pass", "auth", "sig", "signature",
                                   "code", "apikey", "credential", "credentials", "session"]

    public static func carriesCredential(_ url: String) -> Bool {
        let parts = URLParts(url)
        guard !parts.scheme.isEmpty else { return true }
        if parts.userinfo != nil { return true }
        let host = parts.hostPort.lowercased()
        let segments = parts.path.split { $0 == "/" || $0 == "\\" }.map { $0.lowercased() }
        // Slack (`/services/T…/B…/<secret>`, workflows), Discord (`/api/webhooks/<id>/<token>`),
        // Microsoft Teams (`/webhookb2/…`), Mattermost (`/hooks/<key>`): the secret is in the path.
        if segments.contains("services") || segments.contains("workflows") || segments.contains("triggers") { return true }
        if segments.contains("webhooks") || segments.contains("webhook") || segments.contains("webhookb2") { return true }
        if segments.contains("hooks") || host.contains("slack") || host.contains("discord") { return true }
        if let query = parts.query, query.split(separator: "&").contains(where: { isSecretParameter($0) }) { return true }
        if let fragment = parts.fragment, !fragment.isEmpty { return true }
        return segments.contains(where: looksLikeToken)
    }

    static func isSecretParameter(_ pair: Substring) -> Bool {
        let name = (pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? "").lowercased()
            .replacingPercentEscapes()
        return secretParameters.contains { name.contains($0) }
    }

    /// A path segment that looks generated: 16 or more characters of letters and digits (and
    /// `-`, `_`, `%`), with at least one digit and one letter. UUIDs and hashes count: they are
    /// how many services make a hook URL unguessable.
    static func looksLikeToken(_ segment: String) -> Bool {
        guard segment.count >= 16 else { return false }
        var digits = 0, letters = 0
        for scalar in segment.unicodeScalars {
            if ("0"..."9").contains(scalar) { digits += 1 } else if ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) {
                letters += 1
            } else if !"-_%.~=+".unicodeScalars.contains(scalar) {
                return false
            }
        }
        return digits > 0 && letters > 0
    }
}

extension String {
    /// `%xx` decoded where it is ASCII, so `%74oken` is `token`; anything else kept.
    func replacingPercentEscapes() -> String {
        var out: [UInt8] = []
        let bytes = Array(utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let value = UInt8(String(decoding: bytes[i + 1...i + 2], as: UTF8.self), radix: 16),
               value < 0x80 {
                out.append(value)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self).lowercased()
    }
}
