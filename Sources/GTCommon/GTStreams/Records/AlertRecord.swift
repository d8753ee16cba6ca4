/// An alert recipient in a stream: `{"recipient_type","url"}`, plus `pk` and `extra` (fields
/// GlitchTip has that the tool does not manage) in the current stream.
public struct RecipientRecord: Sendable, Hashable {
    public var type: String
    public var url: String
    public var pk: Int64?
    public var extra: [String: JSONValue]

    public init(type: String, url: String, pk: Int64? = nil, extra: [String: JSONValue] = [:]) {
        self.type = type
        self.url = url
        self.pk = pk
        self.extra = extra
    }

    /// What equality of alerts compares: the type and the URL (docs/rules.md, "Planning").
    public var identity: RecipientIdentity { RecipientIdentity(type: type, url: url) }

    public var json: JSONValue {
        var fields: [String: JSONValue] = ["recipient_type": .string(type), "url": .string(url)]
        if let pk { fields["pk"] = .int(pk) }
        if !extra.isEmpty { fields["extra"] = .object(extra) }
        return .object(fields)
    }

    public init(_ f: JSONField) throws {
        type = try f.string("recipient_type")
        url = try f.optionalString("url") ?? ""
        pk = try f.optionalInt("pk", in: NumberRange.pk)
        extra = try f.optional("extra")?.object() ?? [:]
    }
}

public struct RecipientIdentity: Sendable, Hashable, Comparable {
    public let type: String
    public let url: String

    public init(type: String, url: String) {
        self.type = type
        self.url = url
    }

    public static func < (a: Self, b: Self) -> Bool {
        a.type != b.type ? a.type.utf8.lexicographicallyPrecedes(b.type.utf8) : a.url.utf8.lexicographicallyPrecedes(b.url.utf8)
    }
}

/// An alert in a stream. Readers ignore fields they do not know: a newer producer may add
/// optional ones within protocol version 1 (docs/streams.md). In the desired stream `timespan_minutes` and `quantity` are positive
/// integers; in the current stream they may be null (GlitchTip allows it), and `pk` and `extra`
/// are set.
public struct AlertRecord: Sendable, Equatable {
    public var name: String
    public var timespanMinutes: Int64?
    public var quantity: Int64?
    public var recipients: [RecipientRecord]
    public var pk: Int64?
    public var extra: [String: JSONValue]

    public init(name: String, timespanMinutes: Int64?, quantity: Int64?, recipients: [RecipientRecord],
                pk: Int64? = nil, extra: [String: JSONValue] = [:]) {
        self.name = name
        self.timespanMinutes = timespanMinutes
        self.quantity = quantity
        self.recipients = recipients
        self.pk = pk
        self.extra = extra
    }

    /// The recipients as a set of (type, url): order, pk and extra do not matter (docs/rules.md, "Planning").
    public var recipientSet: Set<RecipientIdentity> { Set(recipients.map(\.identity)) }

    /// Whether two alerts configure the same thing: timespan, quantity and the recipient set.
    public func isEquivalent(to other: AlertRecord) -> Bool {
        timespanMinutes == other.timespanMinutes && quantity == other.quantity
            && Self.distinctSorted(recipients) == Self.distinctSorted(other.recipients)
    }

    /// The recipient set as a sorted list without repeats: comparing two of these is comparing
    /// the sets, without hashing every URL.
    private static func distinctSorted(_ recipients: [RecipientRecord]) -> [RecipientIdentity] {
        var identities = recipients.map(\.identity)
        if identities.count > 1 {
            identities.sort()
            var unique: [RecipientIdentity] = [identities[0]]
            for identity in identities.dropFirst() where identity != unique[unique.count - 1] { unique.append(identity) }
            return unique
        }
        return identities
    }

    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "name": .string(name), "timespan_minutes": .optional(timespanMinutes), "quantity": .optional(quantity),
            "recipients": .array(recipients.map(\.json)),
        ]
        if let pk { fields["pk"] = .int(pk) }
        if !extra.isEmpty { fields["extra"] = .object(extra) }
        return .object(fields)
    }

    public init(_ f: JSONField) throws {
        name = try f.string("name")
        timespanMinutes = try f.optionalInt("timespan_minutes", in: NumberRange.alertSetting)
        quantity = try f.optionalInt("quantity", in: NumberRange.alertSetting)
        recipients = try f.required("recipients").array().map(RecipientRecord.init)
        pk = try f.optionalInt("pk", in: NumberRange.pk)
        extra = try f.optional("extra")?.object() ?? [:]
    }

    /// Recipients sorted by (type, url), so equal sets print the same.
    public func withSortedRecipients() -> AlertRecord {
        var copy = self
        copy.recipients.sort { $0.identity < $1.identity || ($0.identity == $1.identity && ($0.pk ?? 0) < ($1.pk ?? 0)) }
        return copy
    }
}
