import GTCommon

/// Pairs the projects of the desired and current streams and plans each pair (SPEC §5). Pure:
/// records in, records out. The desired stream is held whole; current projects are planned as
/// they arrive and dropped, so memory stays near the size of the desired state.
///
/// Only projects present in both streams are reconciled. A desired project under a `missing`
/// organization or project is skipped (the current stream carries the warning); one under an
/// `error` scope is skipped and the error passes on; one the current stream says nothing about
/// is skipped with a warning. Projects only in the current stream are not managed: untouched.
struct PlanBuilder {
    var instances: [InstanceRecord] = []
    var desired: [String: ProjectRecord] = [:]
    var notices: [NoticeRecord] = []
    private var actions: [ActionRecord] = []
    private var matched: Set<String> = []
    private var missing: Set<String> = []
    private var failed: [(instance: String, organization: String?, project: String?)] = []

    mutating func addDesired(_ record: StreamRecord) throws {
        let field = JSONField(record.value)
        switch record.kind {
        case .instance: instances.append(try InstanceRecord(field))
        case .project:
            let project = try ProjectRecord(field)
            desired[project.key] = project
        case .warning, .error: notices.append(try NoticeRecord(field))
        default: break
        }
    }

    mutating func addCurrent(_ record: StreamRecord) throws {
        let field = JSONField(record.value)
        switch record.kind {
        case .project:
            let live = try ProjectRecord(field)
            if let wanted = desired[live.key] {
                matched.insert(live.key)
                actions += AlertPlanner.plan(desired: wanted, current: live)
            }
        case .missing:
            let gone = try MissingRecord(field)
            missing.insert([gone.instance, gone.organization, gone.project ?? "*"].joined(separator: "/"))
        case .error:
            let notice = try NoticeRecord(field)
            notices.append(notice)
            failed.append((notice.instance ?? "", notice.organization, notice.project))
        case .warning: notices.append(try NoticeRecord(field))
        default: break  // instance records: the desired stream's are passed on
        }
    }

    /// The actions, in stream order (instance, organization, project; creates, updates, deletes).
    mutating func plan() -> [ActionRecord] {
        for key in desired.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where !matched.contains(key) {
            let wanted = desired[key]!
            if isMissing(wanted) || hasFailed(wanted) {
                continue
            } else {
                notices.append(NoticeRecord(.warning, instance: wanted.instance, organization: wanted.organization,
                                            project: wanted.project,
                                            message: "Project '\(wanted.key)' is not in the current stream, skipping"))
            }
        }
        // Per project in stream order; within a project the planner's order (stable sort).
        return actions.enumerated().sorted { a, b in
            let (ka, kb) = (projectKey(a.element), projectKey(b.element))
            return ka != kb ? ka.utf8.lexicographicallyPrecedes(kb.utf8) : a.offset < b.offset
        }.map(\.element)
    }

    private func projectKey(_ action: ActionRecord) -> String {
        "\(action.instance)\u{0}\(action.organization)\u{0}\(action.project)"
    }

    private func isMissing(_ project: ProjectRecord) -> Bool {
        missing.contains("\(project.instance)/\(project.organization)/*")
            || missing.contains("\(project.instance)/\(project.organization)/\(project.project)")
    }

    private func hasFailed(_ project: ProjectRecord) -> Bool {
        failed.contains { scope in
            scope.instance == project.instance && (scope.organization == nil || scope.organization == project.organization)
                && (scope.project == nil || scope.project == project.project)
        }
    }
}
