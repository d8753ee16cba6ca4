import GTStreams
/// An organization as GlitchTip lists it.
public struct GlitchTipOrganization: Sendable, Equatable {
    public let name: String
    public let slug: String
    public init(name: String, slug: String) {
        self.name = name
        self.slug = slug
    }
}

/// A project as GlitchTip lists it.
public struct GlitchTipProject: Sendable, Equatable {
    public let name: String
    public let slug: String
    public init(name: String, slug: String) {
        self.name = name
        self.slug = slug
    }
}

/// An alert recipient as GlitchTip stores it. `type` is kept as GlitchTip names it (`email`,
/// `webhook`, `discord`, `googlechat`, and whatever a newer server adds); `extra` holds every
/// field this tool does not manage, so nothing is dropped.
public struct GlitchTipRecipient: Sendable, Equatable {
    public var pk: Int64?
    public var type: String
    public var url: String
    public var extra: [String: JSONValue]

    public init(pk: Int64? = nil, type: String, url: String, extra: [String: JSONValue] = [:]) {
        self.pk = pk
        self.type = type
        self.url = url
        self.extra = extra
    }
}

/// A project alert as GlitchTip stores it, in either API dialect. `timespanMinutes` and
/// `quantity` may be null (uptime-only alerts); `extra` holds `uptime` and anything else
/// unmanaged.
public struct GlitchTipAlert: Sendable, Equatable {
    public var pk: Int64
    public var name: String
    public var timespanMinutes: Int64?
    public var quantity: Int64?
    public var recipients: [GlitchTipRecipient]
    public var extra: [String: JSONValue]

    public init(
        pk: Int64, name: String, timespanMinutes: Int64?, quantity: Int64?, recipients: [GlitchTipRecipient],
        extra: [String: JSONValue] = [:]
    ) {
        self.pk = pk
        self.name = name
        self.timespanMinutes = timespanMinutes
        self.quantity = quantity
        self.recipients = recipients
        self.extra = extra
    }
}

/// What a POST or PUT sends: the managed fields, the full recipient list, and the unmanaged
/// fields read from the server (`uptime`), sent back so a 4.x full-replace PUT keeps them.
public struct GlitchTipAlertBody: Sendable, Equatable {
    public var name: String
    public var timespanMinutes: Int64?
    public var quantity: Int64?
    public var recipients: [(type: String, url: String)]
    public var extra: [String: JSONValue]

    public init(
        name: String, timespanMinutes: Int64?, quantity: Int64?, recipients: [(type: String, url: String)],
        extra: [String: JSONValue] = [:]
    ) {
        self.name = name
        self.timespanMinutes = timespanMinutes
        self.quantity = quantity
        self.recipients = recipients
        self.extra = extra
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.name == b.name && a.timespanMinutes == b.timespanMinutes && a.quantity == b.quantity
            && a.recipients.map { [$0.type, $0.url] } == b.recipients.map { [$0.type, $0.url] } && a.extra == b.extra
    }

    /// The camelCase body. `alertRecipients` is always present (a PUT without it deletes every
    /// recipient); an email recipient has no `url` key.
    public var json: JSONValue {
        var fields = extra
        fields["name"] = .string(name)
        fields["timespanMinutes"] = .optional(timespanMinutes)
        fields["quantity"] = .optional(quantity)
        fields["alertRecipients"] = .array(recipients.map { recipient in
            var r: [String: JSONValue] = ["recipientType": .string(recipient.type)]
            if recipient.type != "email" || !recipient.url.isEmpty { r["url"] = .string(recipient.url) }
            return .object(r)
        })
        return .object(fields)
    }
}
