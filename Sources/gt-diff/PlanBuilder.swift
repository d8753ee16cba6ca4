import GTCommon

/// A stream record decoded into what planning needs; made on any core.
enum DecodedRecord: Sendable {
    case instance(InstanceRecord)
    case project(ProjectRecord)
    /// A current project already planned against its desired one (nil when not desired).
    case planned(key: ProjectKey, actions: [ActionRecord]?)
    case missing(MissingRecord)
    case notice(NoticeRecord)
    case ignored

    static func desired(_ record: StreamRecord) throws -> DecodedRecord {
        let field = JSONField(record.value)
        switch record.kind {
        case .instance: return .instance(try InstanceRecord(field))
        case .project:
            let project = try ProjectRecord(field)
            try DesiredProjectRules.check(project)
            return .project(project)
        case .warning, .error: return .notice(try NoticeRecord(field))
        default: return .ignored
        }
    }

    static func current(_ record: StreamRecord, against desired: [ProjectKey: ProjectRecord]) throws -> DecodedRecord {
        let field = JSONField(record.value)
        switch record.kind {
        case .project:
            let live = try ProjectRecord(field)
            guard let wanted = desired[live.key] else { return .planned(key: live.key, actions: nil) }
            return .planned(key: live.key, actions: AlertPlanner.plan(desired: wanted, current: live))
        case .missing: return .missing(try MissingRecord(field))
        case .warning, .error: return .notice(try NoticeRecord(field))
        default: return .ignored  // instance records: the desired stream's are passed on
        }
    }
}

/// Pairs the projects of the desired and current streams and plans each pair (docs/rules.md,
/// "Planning"). Pure: records in, records out. The desired stream is held whole; current
/// projects are planned as they arrive (on every core) and dropped, so memory stays near the
/// size of the desired state.
///
/// Only projects present in both streams are reconciled. A desired project under a `missing`
/// organization or project is skipped (the current stream carries the warning); one under an
/// `error` scope is skipped and the error passes on; one the current stream says nothing about
/// is skipped with a warning. Projects only in the current stream are not managed: untouched.
struct PlanBuilder {
    var instances: [InstanceRecord] = []
    var desired: [ProjectKey: ProjectRecord] = [:]
    var notices: [NoticeRecord] = []
    private var actions: [ActionRecord] = []
    private var matched: Set<ProjectKey> = []
    /// Missing projects, and missing organizations with project `*`.
    private var missing: Set<ProjectKey> = []
    private var failed: [(instance: String, organization: String?, project: String?)] = []

    mutating func addDesired(_ record: DecodedRecord) {
        switch record {
        case .instance(let instance): instances.append(instance)
        case .project(let project): desired[project.key] = project
        case .notice(let notice): notices.append(notice)
        default: break
        }
    }

    mutating func addCurrent(_ record: DecodedRecord) {
        switch record {
        case .planned(let key, let planned?):
            matched.insert(key)
            actions += planned
        case .missing(let gone):
            missing.insert(ProjectKey(instance: gone.instance, organization: gone.organization, project: gone.project ?? "*"))
        case .notice(let notice):
            notices.append(notice)
            if notice.level == .error { failed.append((notice.instance ?? "", notice.organization, notice.project)) }
        default: break
        }
    }

    /// The actions, in stream order (instance, organization, project; creates, updates, deletes).
    mutating func plan() -> [ActionRecord] {
        for key in desired.keys.sorted() where !matched.contains(key) {
            let wanted = desired[key]!
            if isMissing(wanted) || hasFailed(wanted) { continue }
            notices.append(NoticeRecord(.warning, instance: wanted.instance, organization: wanted.organization,
                                        project: wanted.project,
                                        message: "Project '\(wanted.key)' is not in the current stream, skipping"))
        }
        // Per project in stream order; within a project the planner's order (stable sort).
        return actions.enumerated().sorted { a, b in
            let (ka, kb) = (a.element.projectKey, b.element.projectKey)
            return ka < kb || (!(kb < ka) && a.offset < b.offset)
        }.map(\.element)
    }

    private func isMissing(_ project: ProjectRecord) -> Bool {
        missing.contains(ProjectKey(instance: project.instance, organization: project.organization, project: "*"))
            || missing.contains(project.key)
    }

    private func hasFailed(_ project: ProjectRecord) -> Bool {
        failed.contains { scope in
            scope.instance == project.instance && (scope.organization == nil || scope.organization == project.organization)
                && (scope.project == nil || scope.project == project.project)
        }
    }
}
