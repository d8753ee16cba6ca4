import GTStreams

/// A stream record decoded into what planning needs, with its place in the stream order
/// (docs/streams.md, "Order"); made on any core.
public struct DecodedRecord: Sendable {
    public enum Body: Sendable {
        case instance(InstanceRecord)
        case project(ProjectRecord)
        case missing(MissingRecord)
        case notice(NoticeRecord)
        case ignored
    }

    public let position: [String]
    public let body: Body

    public static func desired(_ record: StreamRecord) throws -> DecodedRecord {
        let field = JSONField(record.value)
        let position = RecordOrder.position(record.value)
        switch record.kind {
        case .instance: return DecodedRecord(position: position, body: .instance(try InstanceRecord(field)))
        case .project:
            let project = try ProjectRecord(field)
            try DesiredProjectRules.check(project)
            return DecodedRecord(position: position, body: .project(project))
        case .warning, .error: return DecodedRecord(position: position, body: .notice(try NoticeRecord(field)))
        default: return DecodedRecord(position: position, body: .ignored)
        }
    }

    public static func current(_ record: StreamRecord) throws -> DecodedRecord {
        let field = JSONField(record.value)
        let position = RecordOrder.position(record.value)
        switch record.kind {
        case .project:
            // GlitchTip's own: its organization slug is what the plan's API paths use, and every
            // alert it holds has a pk, which updates and deletes act on.
            _ = try field.required("organization_slug")
            let project = try ProjectRecord(field)
            if let index = project.alerts.firstIndex(where: { $0.pk == nil }) {
                throw JSONFieldError(path: "alerts[\(index)].pk", message: "missing required field")
            }
            return DecodedRecord(position: position, body: .project(project))
        case .missing: return DecodedRecord(position: position, body: .missing(try MissingRecord(field)))
        case .warning, .error: return DecodedRecord(position: position, body: .notice(try NoticeRecord(field)))
        case .instance:
            // Read to refuse a broken one as every reader does; the desired stream's are passed on.
            _ = try InstanceRecord(field)
            return DecodedRecord(position: position, body: .ignored)
        default: return DecodedRecord(position: position, body: .ignored)
        }
    }
}

/// What gt-diff writes besides the actions (docs/rules.md, "Planning"), gathered while ``StreamMerge`` pairs the
/// two streams. Pure: records in, records out.
///
/// Only projects present in both streams are reconciled. A desired project under a `missing`
/// organization or project is skipped (the current stream carries the warning); one under an
/// `error` scope is skipped and the error passes on; one the current stream says nothing about
/// is skipped with a warning. Projects only in the current stream are not managed: untouched.
/// The scopes of `missing` and `error` records come before the projects under them in the
/// current stream (an organization's scope sorts before its projects), so each is known by the
/// time a desired project under it is decided.
public struct PlanBuilder {
    public private(set) var instances: [InstanceRecord] = []
    /// The deletes of names their desired project does not declare (``UndeclaredDeletes``): as
    /// many as the plan has deletes, never the fleet's alerts.
    public internal(set) var deletesOfUndeclaredNames: [DeclaredAlert] = []
    private var desiredNotices: [NoticeRecord] = []
    private var currentNotices: [NoticeRecord] = []
    private var skipped: [(key: ProjectKey, notice: NoticeRecord)] = []
    private var missing: Set<ProjectKey> = []
    private var failed: [(instance: String, organization: String?, project: String?)] = []

    public init() {}

    /// Upstream notices (desired, then current, each in stream order), then the skipped
    /// projects' warnings by project key.
    public var notices: [NoticeRecord] {
        desiredNotices + currentNotices
            + skipped.sorted { $0.key < $1.key }.map(\.notice)
    }

    public mutating func addDesired(_ record: DecodedRecord.Body) {
        switch record {
        case .instance(let instance): instances.append(instance)
        case .notice(let notice): desiredNotices.append(notice)
        default: break
        }
    }

    public mutating func addCurrent(_ record: DecodedRecord.Body) {
        switch record {
        case .missing(let gone):
            missing.insert(ProjectKey(instance: gone.instance, organization: gone.organization, project: gone.project ?? "*"))
        case .notice(let notice):
            currentNotices.append(notice)
            if notice.level == .error { failed.append((notice.instance ?? "", notice.organization, notice.project)) }
        default: break
        }
    }

    /// A desired project the current stream has no project record for.
    public mutating func unmatched(_ wanted: ProjectRecord) {
        if isMissing(wanted) || hasFailed(wanted) { return }
        skipped.append((wanted.key, NoticeRecord(.warning, instance: wanted.instance, organization: wanted.organization,
                                                 project: wanted.project,
                                                 message: "Project '\(wanted.key)' is not in the current stream, skipping")))
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
