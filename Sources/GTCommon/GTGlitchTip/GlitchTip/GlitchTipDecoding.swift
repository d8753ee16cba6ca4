import GTStreams
/// Reads GlitchTip's JSON in both dialects: django-ninja (4.0.10 and later: `id`,
/// `timespanMinutes`) and DRF (4.0.9 and earlier: `pk`, `timespan_minutes`).
public enum GlitchTipDecoding {
    static let alertKeys: Set<String> = ["id", "pk", "name", "timespanMinutes", "timespan_minutes", "quantity",
                                         "alertRecipients", "alert_recipients"]
    static let recipientKeys: Set<String> = ["id", "pk", "recipientType", "recipient_type", "url"]

    public static func organizations(_ items: [JSONValue]) throws -> [GlitchTipOrganization] {
        try JSONField(.array(items)).array().map(organization)
    }

    public static func projects(_ items: [JSONValue]) throws -> [GlitchTipProject] {
        try JSONField(.array(items)).array().map(project)
    }

    public static func alerts(_ items: [JSONValue]) throws -> [GlitchTipAlert] {
        try JSONField(.array(items)).array().map(alert)
    }

    static func organization(_ field: JSONField) throws -> GlitchTipOrganization {
        GlitchTipOrganization(name: try field.required("name").string(), slug: try field.required("slug").string())
    }

    static func project(_ field: JSONField) throws -> GlitchTipProject {
        GlitchTipProject(name: try field.required("name").string(), slug: try field.required("slug").string())
    }

    static func alert(_ field: JSONField) throws -> GlitchTipAlert {
        let fields = try field.object()
        // Numbers in the ranges GlitchTip's columns hold (docs/rules.md, "Numbers"): anything
        // else fails the listing, as any malformed answer does.
        let pk = try field.optionalInt("id", in: NumberRange.pk) ?? field.int("pk", in: NumberRange.pk)
        let timespan = try field.optionalInt("timespanMinutes", in: NumberRange.alertSetting)
            ?? field.optionalInt("timespan_minutes", in: NumberRange.alertSetting)
        let recipientList = try (field.optional("alertRecipients") ?? field.optional("alert_recipients"))?.array() ?? []
        return GlitchTipAlert(
            pk: pk,
            // An alert made in the UI may have no name.
            name: try field.optionalString("name") ?? "",
            timespanMinutes: timespan,
            quantity: try field.optionalInt("quantity", in: NumberRange.alertSetting),
            recipients: try recipientList.map(recipient),
            extra: fields.filter { !alertKeys.contains($0.key) })
    }

    static func recipient(_ field: JSONField) throws -> GlitchTipRecipient {
        let fields = try field.object()
        return GlitchTipRecipient(
            pk: try field.optionalInt("id", in: NumberRange.pk) ?? field.optionalInt("pk", in: NumberRange.pk),
            type: try field.optionalString("recipientType") ?? field.string("recipient_type"),
            url: try field.optionalString("url") ?? "",
            extra: fields.filter { !recipientKeys.contains($0.key) })
    }
}
