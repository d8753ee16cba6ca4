/// What the operator chose for one gt-adopt run (docs/adoption.md).
public struct AdoptionSettings: Sendable {
    /// Where `urlSecret`s point: `<prefix>/<instance>/<organization slug>/<project>`; nil when
    /// not given, and then an alert whose webhook carries a credential is left out.
    public var secretPath: String?
    /// The day written into each adopted alert's description (`YYYY-MM-DD`, UTC).
    public var adoptedOn: String

    public init(secretPath: String?, adoptedOn: String) {
        var prefix = secretPath
        while let p = prefix, p.hasSuffix("/") { prefix = String(p.dropLast()) }
        self.secretPath = prefix
        self.adoptedOn = adoptedOn
    }

    /// Whether `path` is a Vault path gt writes: segments of ASCII letters, digits, `-`, `_` and
    /// `.`, none empty, `.` or `..` (a path that walks elsewhere, or that the vault CLI would read
    /// as a flag, never reaches Vault or the commands file).
    public static func isPlainVaultPath(_ path: String) -> Bool {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return segments.count >= 2 && segments.allSatisfy { segment in
            !segment.isEmpty && segment != "." && segment != ".." && !segment.hasPrefix("-")
                && segment.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
        }
    }

    func description(instance: String, pk: Int64) -> String {
        "Adopted from GlitchTip \(instance) (alert pk \(pk)) on \(adoptedOn) by gt-adopt"
    }
}
