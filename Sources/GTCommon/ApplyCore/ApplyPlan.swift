import GTStreams

/// A whole action stream, read before anything is done: the instances to connect to, the
/// actions grouped by project (in stream order), the upstream warnings and errors.
public struct ApplyPlan: Sendable {
    public var instances: [String: InstanceRecord] = [:]
    public var actions: [ActionRecord] = []
    public var notices: [NoticeRecord] = []

    public init() {}

    public mutating func add(_ record: StreamRecord) throws {
        let field = JSONField(record.value)
        switch record.kind {
        case .instance:
            let instance = try InstanceRecord(field)
            instances[instance.name] = instance
        case .action: actions.append(try ActionRecord(field))
        case .warning, .error: notices.append(try NoticeRecord(field))
        default: break
        }
    }

    /// The indices of `actions`, grouped by project, projects in first-seen order.
    public var byProject: [[Int]] {
        var order: [ProjectKey] = []
        var groups: [ProjectKey: [Int]] = [:]
        for (index, action) in actions.enumerated() {
            let key = action.apiProjectKey
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(index)
        }
        return order.map { groups[$0]! }
    }

    /// The lock key: the instance names the run touches, sorted, joined with `,` (the
    /// reference's dedup key).
    public var instanceSet: String {
        let names = Set(actions.map(\.instance)).union(instances.keys)
        return names.sorted().joined(separator: ",")
    }

    /// The instances a run locks: every instance it names (actions and instance records), so
    /// a run with nothing to do still excludes, and is excluded by, a run on the same instances.
    public var lockedInstances: [String] { Array(Set(actions.map(\.instance)).union(instances.keys)) }

    public var deletes: Int { actions.filter { $0.type == .delete }.count }
    public var upstreamErrors: [String] { notices.filter { $0.level == .error }.map(\.message) }
}

/// What happened to one action.
public struct ActionOutcome: Sendable, Equatable {
    public var applied: Bool
    public var error: String?

    public init(applied: Bool, error: String?) {
        self.applied = applied
        self.error = error
    }

    public static let planned = ActionOutcome(applied: false, error: nil)
    public static let done = ActionOutcome(applied: true, error: nil)
}
