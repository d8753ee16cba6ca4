import GTStreams
/// The plan as CommonMark, for a merge-request comment (README "Operating gt"): a summary line
/// with creates, updates and deletes per instance, the warnings and errors, then one heading per
/// project with its changes as a list, folded in `<details>` when long. Webhook URLs are redacted
/// as in the text plan (they carry tokens).
///
/// Every string from App-Interface or GlitchTip (names, and every message or note that may quote
/// one or a server's answer) is a code span made by ``code(_:)``: GitLab and GitHub turn `@name`,
/// `#1`, `!1`, `~label`, `%milestone`, `$snippet`, `&epic` and `[[page]]` into mentions and
/// references anywhere in text, backslash escapes notwithstanding, but never inside code.
public struct PlanMarkdown {
    /// A project with more changes than this is folded.
    public let foldAfter: Int

    public init(foldAfter: Int = 5) { self.foldAfter = foldAfter }

    private let describer = PlanText(color: false)

    /// The document for `actions`; `outcome` adds a result after an action (gt-apply), and
    /// `footer` ends it (e.g. "Dry run: nothing applied."). Both are Markdown as given: any text
    /// in them from outside goes through ``code(_:)`` first. `undeclared` (gt-diff) says how many
    /// deletes per project are of alerts no earlier desired state declared.
    public func render(_ actions: [ActionRecord], notices: [NoticeRecord] = [], instances: [String] = [],
                       undeclared: [(project: ProjectKey, count: Int)] = [],
                       footer: [String] = [], outcome: ((Int) -> String?)? = nil) -> String {
        var blocks: [String] = ["### GlitchTip alerts plan", summary(actions, instances: instances)]
        if let line = PlanText.undeclaredDeletes(undeclared, name: { Self.code($0.description) }, tool: Self.code("gt-adopt")) {
            blocks.append(line)
        }
        let warnings = notices.filter { $0.level == .warning }
        let errors = notices.filter { $0.level == .error }
        if !errors.isEmpty { blocks.append("#### Errors\n\n" + errors.map { "- " + Self.code($0.message) }.joined(separator: "\n")) }
        if !warnings.isEmpty { blocks.append("#### Warnings\n\n" + warnings.map { "- " + Self.code($0.message) }.joined(separator: "\n")) }

        var order: [ProjectKey] = []
        var groups: [ProjectKey: [Int]] = [:]
        for (index, action) in actions.enumerated() {
            let key = action.projectKey
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(index)
        }
        for key in order {
            let indices = groups[key]!
            let items = indices.map { index in
                var item = "- " + line(actions[index])
                if let note = outcome?(index) { item += " — " + note }
                return item
            }.joined(separator: "\n")
            blocks.append("#### " + Self.code(key.description))
            if indices.count > foldAfter {
                // Raw HTML blocks need a blank line before the Markdown inside them (CommonMark §4.6).
                blocks.append("<details>\n<summary>\(counts(indices.map { actions[$0] }))</summary>\n\n\(items)\n\n</details>")
            } else {
                blocks.append(items)
            }
        }
        blocks += footer
        return blocks.joined(separator: "\n\n") + "\n"
    }

    /// `` `instance`: 1 to create, 0 to update, 2 to delete `` per instance, on one line.
    func summary(_ actions: [ActionRecord], instances: [String]) -> String {
        if actions.isEmpty { return "No changes." }
        let names = Set(actions.map(\.instance)).union(instances).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let parts = names.map { name in
            Self.code(name) + ": " + counts(actions.filter { $0.instance == name })
        }
        return "Plan: " + parts.joined(separator: "; ") + "."
    }

    private func counts(_ actions: [ActionRecord]) -> String {
        let count = { (kind: ActionRecord.Kind) in actions.filter { $0.type == kind }.count }
        return "\(count(.create)) to create, \(count(.update)) to update, \(count(.delete)) to delete"
    }

    private func line(_ action: ActionRecord) -> String {
        switch action.type {
        case .create:
            return "**create** " + Self.code(action.alertName) + (action.after.map { " " + Self.code("(" + describer.describe($0) + ")") } ?? "")
        case .update:
            var text = "**update** " + Self.code(action.alertName)
            if let before = action.before, let after = action.after { text += ": " + Self.code(describer.changes(before, after)) }
            return text
        case .delete:
            return "**delete** " + (action.alertName.isEmpty ? "(unnamed)" : Self.code(action.alertName))
                + (action.pk.map { " (pk \($0))" } ?? "")
        }
    }

    /// A code span that shows `text` as it is, and the one way a string from outside enters the
    /// document: the fence is one backtick longer than the longest run inside (CommonMark
    /// §6.1); a text that starts or ends with a backtick or a space is padded with one space on
    /// each side, which CommonMark strips again (so its own spaces stay); a text of spaces only
    /// is kept as it is (CommonMark strips nothing from it); line breaks, which would end the
    /// paragraph and let the rest become a heading or a list, are spaces. An empty text is one
    /// space: an empty code span does not exist.
    public static func code(_ text: String) -> String {
        let flat = text.replacingNewlines()
        if flat.isEmpty { return "` `" }
        var longest = 0
        var run = 0
        for character in flat.unicodeScalars {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let scalars = flat.unicodeScalars
        let onlySpaces = scalars.allSatisfy { $0 == " " }
        let ends = [scalars.first, scalars.last]
        let pad = !onlySpaces && ends.contains { $0 == "`" || $0 == " " } ? " " : ""
        return fence + pad + flat + pad + fence
    }
}

private extension String {
    func replacingNewlines() -> String {
        String(unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : Character($0) })
    }
}
