import AppInterface
import GTStreams

/// A new project datafile for a GlitchTip project App-Interface does not have
/// (docs/adoption.md, "Projects without a datafile"). What gt cannot know (the app, the teams,
/// the organization's datafile, the platform, a description) is a placeholder marked
/// `TODO(gt-adopt)` that no App-Interface validation accepts, so the file cannot be merged
/// before someone fills it in; the adopted alerts follow.
public enum ProjectSkeleton {
    public static let placeholder = "TODO(gt-adopt)"

    public static func text(for current: ProjectRecord, alerts: [AdoptedAlert]) -> String {
        var lines = [
            "---",
            "# Written by gt-adopt for GlitchTip project \(YAMLEmitter.inlineComment(current.key.description)): every \(placeholder) below must be",
            "# replaced before this file is merged.",
            "$schema: /dependencies/glitchtip-project-1.yml",
            "labels: {}",
        ]
        lines += YAMLEmitter.mappingEntries([.init(key: "name", value: .string(current.name))])
        if slugify(current.name) != current.project {
            lines += YAMLEmitter.mappingEntries([.init(key: "projectId", value: .string(current.project))])
        }
        lines += [
            "description: \(placeholder) describe the project",
            "platform: \(placeholder)  # one of the platforms /dependencies/glitchtip-project-1.yml lists (python, go, …)",
            "app:",
            "  $ref: /\(placeholder)/the-app.yml",
            "teams:",
            "- $ref: /\(placeholder)/a-glitchtip-team.yml",
            "organization:",
            "  $ref: /\(placeholder)/the-glitchtip-organization.yml  # GlitchTip organization: "
                + YAMLEmitter.inlineComment(current.organization),
        ]
        if alerts.isEmpty {
            lines.append("alerts: []")
        } else {
            lines.append("alerts:")
            for alert in alerts { lines += YAMLEmitter.sequenceItem(alert.yaml, indent: 0) }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
