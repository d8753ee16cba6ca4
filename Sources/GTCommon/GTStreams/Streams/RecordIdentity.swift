/// What a body record is about, where a stream may say it only once (docs/streams.md, "One
/// record per key"): an instance by name; a project (or a `missing` project) by
/// instance/organization/project; a `missing` organization; an action by the alert it touches
/// (its pk for an update or delete, its name for a create) within its project. A second record
/// for the same key is refused by every reader: "the last copy wins" once deleted a desired
/// alert, and a repeated action is a doubled mutation.
enum RecordIdentity {
    /// How messages name the key of `record`, or nil when records of its kind may repeat
    /// (warnings, errors, results) or it lacks the fields of a key (its decoder refuses it).
    static func of(_ kind: RecordKind, _ record: JSONValue) -> String? {
        func text(_ name: String) -> String? { record[name]?.stringValue }
        switch kind {
        case .instance:
            return text("name").map { "instance \($0)" }
        case .project:
            guard let instance = text("instance"), let organization = text("organization"), let project = text("project")
            else { return nil }
            return "project \(ProjectKey(instance: instance, organization: organization, project: project))"
        case .missing:
            guard let instance = text("instance"), let organization = text("organization") else { return nil }
            guard let project = text("project") else { return "organization \(instance)/\(organization)" }
            return "project \(ProjectKey(instance: instance, organization: organization, project: project))"
        case .action:
            // Keyed on GlitchTip's organization (what the API paths use), so two spellings of
            // one organization cannot hide a doubled action.
            guard let type = text("action_type"), let instance = text("instance"),
                  let organization = text("organization_slug") ?? text("organization"), let project = text("project")
            else { return nil }
            let scope = ProjectKey(instance: instance, organization: organization, project: project)
            if type == "create" { return text("alert_name").map { "a create of alert '\($0)' in \(scope)" } }
            return record["pk"]?.intValue.map { "an action on alert pk \($0) in \(scope)" }
        case .result, .summary, .warning, .error:
            return nil
        }
    }
}
