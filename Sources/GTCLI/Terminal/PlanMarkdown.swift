import GTStreams
/// The plan as CommonMark, for a merge-request comment (README "Operating gt"): a summary line
/// with creates, updates and deletes per instance, the warnings and errors, then one heading per
/// project with its changes as a list, folded in `<details>` when long. Webhook URLs are redacted
/// as in the text plan (they carry tokens); every name from App-Interface or GlitchTip is
/// escaped, so nothing in it can open markup.
public struct PlanMarkdown {
    /// A project with more changes than this is folded.
    public let foldAfter: Int

    public init(foldAfter: Int = 5) { self.foldAfter = foldAfter }

    private let describer = PlanText(color: false)

    /// The document for `actions`; `outcome` adds a result after an action (gt-apply), and
    /// `footer` ends it (e.g. "Dry run: nothing applied.").
    public func render(_ actions: [ActionRecord], notices: [NoticeRecord] = [], instances: [String] = [],
                       footer: [String] = [], outcome: ((Int) -> String?)? = nil) -> String {
        var blocks: [String] = ["### GlitchTip alerts plan", summary(actions, instances: instances)]
        let warnings = notices.filter { $0.level == .warning }
        let errors = notices.filter { $0.level == .error }
        if !errors.isEmpty { blocks.append("#### Errors\n\n" + errors.map { "- " + Self.escape($0.message) }.joined(separator: "\n")) }
        if !warnings.isEmpty { blocks.append("#### Warnings\n\n" + warnings.map { "- " + Self.escape($0.message) }.joined(separator: "\n")) }

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
                if let note = outcome?(index) { item += " — " + Self.escape(note) }
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
        blocks += footer.map(Self.escape)
        return blocks.joined(separator: "\n\n") + "\n"
    }

    /// `**instance**: 1 to create, 0 to update, 2 to delete` per instance, on one line.
    func summary(_ actions: [ActionRecord], instances: [String]) -> String {
        if actions.isEmpty { return "No changes." }
        let names = Set(actions.map(\.instance)).union(instances).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let parts = names.map { name in
            "**" + Self.escape(name) + "**: " + counts(actions.filter { $0.instance == name })
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

    /// Text that renders as itself: the characters that can open inline markup or raw HTML
    /// are backslash-escaped (CommonMark §2.4: an escaped ASCII punctuation character stands for
    /// itself), and so is a first character that could open a block (a list, a heading, a
    /// quote); line breaks are flattened.
    public static func escape(_ text: String) -> String {
        var out = ""
        var atStart = true
        var leadingDigits = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\r" { out += " "; atStart = false; continue }
            let opensInline = "\\`*_[]<>&|~".unicodeScalars.contains(scalar)
            let opensBlock = (atStart && "-+#>=".unicodeScalars.contains(scalar)) || (leadingDigits && (scalar == "." || scalar == ")"))
            if opensInline || opensBlock { out += "\\" }
            leadingDigits = (atStart || leadingDigits) && ("0"..."9").contains(scalar)
            atStart = false
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// A code span that holds `text` verbatim: the fence is one backtick longer than the longest
    /// run inside, and padded when the text starts or ends with a backtick (CommonMark §6.1).
    public static func code(_ text: String) -> String {
        let flat = text.replacingNewlines()
        var longest = 0
        var run = 0
        for character in flat {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = flat.hasPrefix("`") || flat.hasSuffix("`") || flat.isEmpty ? " " : ""
        return fence + pad + flat + pad + fence
    }
}

private extension String {
    func replacingNewlines() -> String {
        String(unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : Character($0) })
    }
}
