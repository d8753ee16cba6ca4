import GTStreams

extension ReconcileRequest {
    static func readOrganization(_ value: JSONValue, at loc: [ValidationDetail.Step], _ fields: inout RequestFields) -> Organization? {
        guard let body = fields.model(value, at: loc, named: "GlitchtipOrganization") else { return nil }
        let name = fields.string(body, "name", at: loc, nonEmpty: true)
        let projects = fields.list(body, "projects", at: loc)?.compactMap { value, loc in readProject(value, at: loc, &fields) }
        guard let name, let projects else { return nil }
        return Organization(name: name, projects: projects)
    }

    /// A project; its slug as sent, else (absent, null or empty, as the reference's model
    /// reads it) `slugify(name)`, which must keep something (docs/rules.md, "Project slug").
    static func readProject(_ value: JSONValue, at loc: [ValidationDetail.Step], _ fields: inout RequestFields) -> Project? {
        guard let body = fields.model(value, at: loc, named: "GlitchtipProject") else { return nil }
        let name = fields.string(body, "name", at: loc)
        var slug: String?
        if let value = body["slug"], !value.isNull, value != .string("") {
            slug = fields.string(value, at: loc + [.key("slug")])
        } else if let name {
            slug = slugify(name)
            if slug == "" {
                fields.fail(loc + [.key("slug")], "value_error",
                            "Value error, the project's slug is empty: slugify keeps no letter or digit of its name; set slug")
                slug = nil
            }
        }
        let alerts = fields.list(body, "alerts", at: loc)?.compactMap { value, loc in readAlert(value, at: loc, &fields) }
        guard let name, let slug, let alerts else { return nil }
        // Alerts match by name: a second of one name would be a second desired state for one
        // GlitchTip alert (docs/rules.md, "Desired state").
        var seen: Set<String> = []
        for (index, alert) in alerts.enumerated() where !seen.insert(alert.name).inserted {
            fields.fail(loc + [.key("alerts"), .index(index), .key("name")], "value_error",
                        "Value error, alert name '\(alert.name)' is used twice in this project")
        }
        return Project(name: name, slug: slug, alerts: alerts)
    }

    /// An alert; `quantity` and `timespan_minutes` within GlitchTip's small-integer column, at
    /// least 1 (docs/rules.md, "Numbers").
    static func readAlert(_ value: JSONValue, at loc: [ValidationDetail.Step], _ fields: inout RequestFields) -> Alert? {
        guard let body = fields.model(value, at: loc, named: "GlitchtipProjectAlert") else { return nil }
        let name = fields.string(body, "name", at: loc)
        let setting = 1...NumberRange.alertSetting.upperBound
        let timespan = fields.int(body, "timespan_minutes", at: loc, in: setting)
        let quantity = fields.int(body, "quantity", at: loc, in: setting)
        let recipients = fields.list(body, "recipients", at: loc)?.compactMap { value, loc in readRecipient(value, at: loc, &fields) }
        guard let name, let timespan, let quantity, let recipients else { return nil }
        return Alert(name: name, timespanMinutes: timespan, quantity: quantity, recipients: recipients)
    }

    /// A recipient, checked as the reference's model checks it, with its messages.
    static func readRecipient(_ value: JSONValue, at loc: [ValidationDetail.Step], _ fields: inout RequestFields) -> Recipient? {
        guard let body = fields.model(value, at: loc, named: "GlitchtipProjectAlertRecipient") else { return nil }
        var kind: Recipient.Kind?
        if let value = body["recipient_type"] {
            kind = value.stringValue.flatMap(Recipient.Kind.init(rawValue:))
            if kind == nil { fields.fail(loc + [.key("recipient_type")], "enum", "Input should be 'email' or 'webhook'") }
        } else {
            fields.fail(loc + [.key("recipient_type")], "missing", "Field required")
        }
        let url = body["url"].map { fields.string($0, at: loc + [.key("url")]) } ?? ""
        guard let kind, let url else { return nil }
        switch (kind, url.isEmpty) {
        case (.webhook, true): fields.fail(loc, "value_error", "Value error, url must be set for webhook recipients")
        case (.email, false): fields.fail(loc, "value_error", "Value error, url must be empty for email recipients")
        default: return Recipient(type: kind, url: url)
        }
        return nil
    }
}
