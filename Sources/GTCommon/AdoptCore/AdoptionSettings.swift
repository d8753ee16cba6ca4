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

    func description(instance: String, pk: Int64) -> String {
        "Adopted from GlitchTip \(instance) (alert pk \(pk)) on \(adoptedOn) by gt-adopt"
    }
}
