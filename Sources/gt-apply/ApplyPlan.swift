import GTStreams
import GTGlitchTip
import GTCLI

/// A whole action stream, read before anything is done: the instances to connect to, the
/// actions grouped by project (in stream order), the upstream warnings and errors.
struct ApplyPlan {
    var instances: [String: InstanceRecord] = [:]
    var actions: [ActionRecord] = []
    var notices: [NoticeRecord] = []

    mutating func add(_ record: StreamRecord) throws {
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
    var byProject: [[Int]] {
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
    var instanceSet: String {
        let names = Set(actions.map(\.instance)).union(instances.keys)
        return names.sorted().joined(separator: ",")
    }

    var deletes: Int { actions.filter { $0.type == .delete }.count }
    var upstreamErrors: [String] { notices.filter { $0.level == .error }.map(\.message) }
}

/// What happened to one action.
struct ActionOutcome: Sendable {
    var applied: Bool
    var error: String?

    static let planned = ActionOutcome(applied: false, error: nil)
    static let done = ActionOutcome(applied: true, error: nil)
}
