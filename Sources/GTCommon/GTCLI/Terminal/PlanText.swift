import GTStreams
/// The human plan (docs/rules.md, "The plan for people"): per project `+ create`, `~ update`
/// with the changed fields (old → new), `- delete`, then counts. Webhook URLs are shown
/// redacted: they carry tokens.
public struct PlanText {
    public let color: Bool

    public init(color: Bool) { self.color = color }

    private func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    /// The lines for `actions`, grouped by project; `outcome` adds a result after an action.
    public func render(_ actions: [ActionRecord], outcome: ((Int) -> String?)? = nil) -> [String] {
        var lines: [String] = []
        var currentProject = ""
        for (index, action) in actions.enumerated() {
            let project = action.projectKey.description
            if project != currentProject {
                lines.append(paint(project, "1"))
                currentProject = project
            }
            var line: String
            switch action.type {
            case .create:
                line = paint("  + create ", "32") + "\(action.alertName)" + (action.after.map { " (\(describe($0)))" } ?? "")
            case .update:
                line = paint("  ~ update ", "33") + action.alertName
                if let before = action.before, let after = action.after { line += ": " + changes(before, after) }
            case .delete:
                line = paint("  - delete ", "31") + (action.alertName.isEmpty ? "(unnamed)" : action.alertName)
                    + (action.pk.map { " (pk \($0))" } ?? "")
            }
            if let note = outcome?(index) { line += "  " + note }
            lines.append(line)
        }
        return lines
    }

    public func counts(_ actions: [ActionRecord]) -> String {
        let count = { (kind: ActionRecord.Kind) in actions.filter { $0.type == kind }.count }
        if actions.isEmpty { return "No changes." }
        return "Plan: \(count(.create)) to create, \(count(.update)) to update, \(count(.delete)) to delete."
    }

    /// The line after the counts when deletes are of alerts no earlier desired state declared
    /// (docs/rules.md, "Deletes of alerts no desired state declared"); nil when none are.
    public func undeclaredDeletes(_ counts: [(project: ProjectKey, count: Int)]) -> String? {
        Self.undeclaredDeletes(counts) { $0.description }.map { paint($0, "33") }
    }

    /// The sentence both plans say it with, each project's name as `name` shows it.
    static func undeclaredDeletes(_ counts: [(project: ProjectKey, count: Int)], name: (ProjectKey) -> String,
                                  tool: String = "gt-adopt") -> String? {
        let total = counts.reduce(0) { $0 + $1.count }
        if total == 0 { return nil }
        let what = total == 1 ? "1 of the deletes is of an alert" : "\(total) of the deletes are of alerts"
        return "\(what) no earlier desired state declared (made in the GlitchTip UI?): "
            + counts.map { "\(name($0.project)) \($0.count)" }.joined(separator: ", ") + ". \(tool) writes them into App-Interface."
    }

    public func notice(_ record: NoticeRecord) -> String {
        switch record.level {
        case .warning: paint("warning: ", "33") + record.message
        case .error: paint("error: ", "31") + record.message
        }
    }

    func describe(_ alert: AlertRecord) -> String {
        "quantity \(number(alert.quantity)), timespan \(number(alert.timespanMinutes)) min, recipients: \(recipients(alert))"
    }

    func changes(_ before: AlertRecord, _ after: AlertRecord) -> String {
        var parts: [String] = []
        if before.quantity != after.quantity { parts.append("quantity \(number(before.quantity)) → \(number(after.quantity))") }
        if before.timespanMinutes != after.timespanMinutes {
            parts.append("timespan \(number(before.timespanMinutes)) → \(number(after.timespanMinutes)) min")
        }
        if before.recipientSet != after.recipientSet {
            parts.append("recipients \(recipients(before)) → \(recipients(after))")
        }
        return parts.isEmpty ? "no managed field differs" : parts.joined(separator: ", ")
    }

    private func number(_ value: Int64?) -> String { value.map(String.init) ?? "null" }

    private func recipients(_ alert: AlertRecord) -> String {
        let shown = alert.recipientSet.sorted().map { $0.url.isEmpty ? $0.type : "\($0.type) \(RedactedURL.display($0.url))" }
        return shown.isEmpty ? "none" : "[" + shown.joined(separator: ", ") + "]"
    }
}
