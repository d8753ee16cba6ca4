/// An `action` record (actions stream): what gt-apply is to do to one alert. The five seed
/// fields (`action_type`, `instance`, `organization`, `project`, `alert_name`) are the
/// reference's; `organization_slug` (GlitchTip's real slug, for the API paths), `pk`, `before`
/// (the current alert) and `after` (the full desired alert) are what applying needs.
public struct ActionRecord: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable, Comparable {
        case create, update, delete

        public static func < (a: Kind, b: Kind) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public var type: Kind
    public var instance: String
    public var organization: String
    public var organizationSlug: String?
    public var project: String
    public var alertName: String
    public var pk: Int64?
    public var before: AlertRecord?
    public var after: AlertRecord?

    public init(type: Kind, instance: String, organization: String, organizationSlug: String?, project: String,
                alertName: String, pk: Int64? = nil, before: AlertRecord? = nil, after: AlertRecord? = nil) {
        self.type = type
        self.instance = instance
        self.organization = organization
        self.organizationSlug = organizationSlug
        self.project = project
        self.alertName = alertName
        self.pk = pk
        self.before = before
        self.after = after
    }

    /// `instance/organization/project/alert`, as error messages name an action.
    public var path: String { "\(projectKey)/\(alertName)" }

    /// The organization's slug for API paths: GlitchTip's, else the App-Interface name.
    public var apiOrganization: String { organizationSlug ?? organization }

    /// The reference's five fields, as in its task result's `actions`.
    public var seedJSON: JSONValue {
        ["action_type": .string(type.rawValue), "instance": .string(instance), "organization": .string(organization),
         "project": .string(project), "alert_name": .string(alertName)]
    }

    public var json: JSONValue {
        guard case .object(var fields) = seedJSON else { return seedJSON }
        fields["kind"] = "action"
        if let organizationSlug { fields["organization_slug"] = .string(organizationSlug) }
        if let pk { fields["pk"] = .int(pk) }
        if let before { fields["before"] = before.json }
        if let after { fields["after"] = after.json }
        return .object(fields)
    }

    public init(_ f: JSONField) throws {
        let typeName = try f.required("action_type").string()
        guard let type = Kind(rawValue: typeName) else {
            throw JSONFieldError(path: "action_type", message: "expected create, update or delete, got '\(typeName)'")
        }
        self.type = type
        instance = try f.name("instance")
        organization = try f.name("organization")
        organizationSlug = try f.optionalName("organization_slug")
        project = try f.name("project")
        alertName = try f.required("alert_name").string()
        pk = try f.optionalInt("pk", in: NumberRange.pk)
        before = try f.optional("before").map(AlertRecord.init)
        after = try f.optional("after").map(AlertRecord.init)
        try checkApplicable()
    }

    /// Refuses an action that lacks what applying it safely needs (docs/streams.md, "What an
    /// action must carry"): gt-apply's stale check compares the alert as it is now with
    /// `before`, found by `pk`; without them an update or delete would hit whatever holds that pk
    /// now, an alert renamed or edited since the plan included. The names must agree, or the
    /// one-action-per-alert rule could be dodged.
    private func checkApplicable() throws(JSONFieldError) {
        let what = "\(type == .create ? "a create" : type == .update ? "an update" : "a delete")"
        if type != .create {
            guard let pk else { throw JSONFieldError(path: "pk", message: "\(what) needs the alert's pk") }
            guard let before else {
                throw JSONFieldError(path: "before", message: "\(what) needs the alert as planned (before): "
                                     + "without it the stale check cannot tell whether the alert changed since the plan")
            }
            guard let planned = before.pk else {
                throw JSONFieldError(path: "before.pk", message: "\(what) needs the pk of the alert as planned")
            }
            if planned != pk {
                throw JSONFieldError(path: "before.pk", message: "\(planned) is not the action's pk \(pk)")
            }
        }
        if type != .delete {
            guard let after else { throw JSONFieldError(path: "after", message: "\(what) needs the desired alert") }
            if after.name != alertName {
                throw JSONFieldError(path: "after.name", message: "'\(after.name)' is not the action's alert_name '\(alertName)'")
            }
            // Sent as null, either would make an alert that never fires (GlitchTip's "uptime only").
            if after.quantity == nil {
                throw JSONFieldError(path: "after.quantity", message: "\(what) needs the desired alert's quantity")
            }
            if after.timespanMinutes == nil {
                throw JSONFieldError(path: "after.timespan_minutes", message: "\(what) needs the desired alert's timespan_minutes")
            }
        }
    }
}
