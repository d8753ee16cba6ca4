import GTStreams

/// The deletes of a plan whose alert no desired state declared, counted per project
/// (docs/rules.md, "Deletes of alerts no desired state declared"): on gt's first run against a
/// GlitchTip teams already use, these are the alerts made in its UI, which gt-adopt can write
/// into App-Interface instead. Pure.
///
/// A delete counts when its project and alert name are neither declared by the desired state
/// planned now nor in the history of earlier ones. So a duplicate (a second alert of a name the
/// desired project declares) never counts, and neither does an alert App-Interface declared
/// once and no longer does: that delete is what someone asked for.
public struct UndeclaredDeletes: Sendable, Equatable {
    public private(set) var counts: [ProjectKey: Int] = [:]

    /// The deletes among `actions`, one project's plan, of a name `desired` does not declare:
    /// what is counted unless the history has it. A delete of an extra copy of a declared name
    /// is not among them.
    public static func candidates(_ actions: [ActionRecord], desired: ProjectRecord) -> [DeclaredAlert] {
        let names = Set(desired.alerts.map(\.name))
        return actions.filter { $0.type == .delete && !names.contains($0.alertName) }
            .map { DeclaredAlert(project: $0.projectKey, name: $0.alertName) }
    }

    /// `candidates` (``candidates(_:desired:)``, one per delete) less those `history` has.
    public init(_ candidates: [DeclaredAlert], history: DeclaredAlerts) {
        for alert in candidates where !history.contains(alert) { counts[alert.project, default: 0] += 1 }
    }

    public var total: Int { counts.values.reduce(0, +) }

    /// The projects in stream order, each with its count.
    public var byProject: [(project: ProjectKey, count: Int)] {
        counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// One warning per project, scoped to it, for the actions stream (gt-apply shows them).
    public var warnings: [NoticeRecord] {
        byProject.map { project, count in
            let alerts = count == 1 ? "1 alert to delete was" : "\(count) alerts to delete were"
            return NoticeRecord(.warning, instance: project.instance, organization: project.organization, project: project.project,
                                message: "Project '\(project)': \(alerts) declared by no earlier desired state "
                                    + "(made in the GlitchTip UI?); gt-adopt writes them into App-Interface")
        }
    }
}
