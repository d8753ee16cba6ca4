import GTStreams

/// An alert made in the GlitchTip UI, in App-Interface's terms (docs/adoption.md): what
/// gt-adopt writes into the project's datafile.
public struct AdoptedAlert: Sendable, Equatable {
    public var name: String
    /// GlitchTip's id of the alert, for messages (never written to the datafile).
    public var pk: Int64
    public var description: String
    public var quantity: Int64
    public var timespanMinutes: Int64
    public var recipients: [AdoptedRecipient]

    public init(name: String, pk: Int64, description: String, quantity: Int64, timespanMinutes: Int64,
                recipients: [AdoptedRecipient]) {
        self.name = name
        self.pk = pk
        self.description = description
        self.quantity = quantity
        self.timespanMinutes = timespanMinutes
        self.recipients = recipients
    }
}

/// A recipient as App-Interface declares it.
public enum AdoptedRecipient: Sendable, Equatable {
    /// `provider: email-project-members`.
    case email
    /// `provider: webhook` with `url`: a URL that carries no credential.
    case webhook(url: String)
    /// `provider: webhook` with `urlSecret`: the URL carries a credential, so the datafile names
    /// the Vault secret and `value` goes to Vault (or the commands file), never into the YAML.
    case webhookSecret(SecretRef, value: String)
}

/// A live alert gt-adopt does not write, with why (App-Interface would refuse it, or it would
/// not plan as unchanged once declared).
public struct LeftOutAlert: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var pk: Int64?
    public var reason: String

    public init(name: String, pk: Int64?, reason: String) {
        self.name = name
        self.pk = pk
        self.reason = reason
    }

    public var description: String {
        "alert '\(name)'" + (pk.map { " (pk \($0))" } ?? "") + ": \(reason)"
    }
}

/// One project's adoption: the alerts to declare, in name order, the ones left out, and the
/// secret values the declared `urlSecret`s need (by Vault path, then field).
public struct ProjectAdoption: Sendable, Equatable {
    public var key: ProjectKey
    public var adopted: [AdoptedAlert]
    public var leftOut: [LeftOutAlert]

    public init(key: ProjectKey, adopted: [AdoptedAlert], leftOut: [LeftOutAlert]) {
        self.key = key
        self.adopted = adopted
        self.leftOut = leftOut
    }

    /// The secrets to write: path → field → value.
    public var secrets: [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        for alert in adopted {
            for case .webhookSecret(let ref, let value) in alert.recipients { out[ref.path, default: [:]][ref.field] = value }
        }
        return out
    }
}
