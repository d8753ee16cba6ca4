import GTStreams
extension AlertRecord {
    /// The current-stream form of an alert read from GlitchTip: pks kept, recipients sorted,
    /// unmanaged fields under `extra`.
    public init(_ alert: GlitchTipAlert) {
        self.init(name: alert.name, timespanMinutes: alert.timespanMinutes, quantity: alert.quantity,
                  recipients: alert.recipients.map { RecipientRecord(type: $0.type, url: $0.url, pk: $0.pk, extra: $0.extra) },
                  pk: alert.pk, extra: alert.extra)
        self = withSortedRecipients()
    }

    /// What a POST or PUT sends for this alert, with `extra` (unmanaged fields to keep).
    public func body(keeping extra: [String: JSONValue] = [:]) -> GlitchTipAlertBody {
        GlitchTipAlertBody(name: name, timespanMinutes: timespanMinutes, quantity: quantity,
                           recipients: recipients.map { ($0.type, $0.url) }, extra: extra)
    }
}
