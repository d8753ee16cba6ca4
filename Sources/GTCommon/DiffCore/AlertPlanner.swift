import GTStreams

/// The actions that make one project's current alerts the desired ones (docs/rules.md,
/// "Planning"). Pure.
///
/// Alerts match by name. Equal means the same timespan, quantity and set of (type, url); pk,
/// order and unmanaged fields do not count. Where GlitchTip holds several alerts of one name,
/// one is kept (an equal one if there is, else the lowest pk) and every other is deleted by its
/// own pk, as is every alert whose name is not desired, unnamed ones included: one run converges.
public enum AlertPlanner {
    public static func plan(desired: ProjectRecord, current: ProjectRecord) -> [ActionRecord] {
        var byName: [String: [AlertRecord]] = [:]
        for alert in current.alerts { byName[alert.name, default: []].append(alert) }
        for name in byName.keys { byName[name]!.sort { ($0.pk ?? 0) < ($1.pk ?? 0) } }

        func action(_ type: ActionRecord.Kind, _ name: String, before: AlertRecord? = nil, after: AlertRecord? = nil) -> ActionRecord {
            ActionRecord(type: type, instance: current.instance, organization: current.organization,
                         organizationSlug: current.organizationSlug, project: current.project, alertName: name,
                         pk: before?.pk, before: before, after: after)
        }

        var creates: [ActionRecord] = []
        var updates: [ActionRecord] = []
        var deletes: [ActionRecord] = []
        var desiredNames: Set<String> = []
        for wanted in desired.alerts {
            desiredNames.insert(wanted.name)
            guard let same = byName[wanted.name], !same.isEmpty else {
                creates.append(action(.create, wanted.name, after: wanted))
                continue
            }
            let keeper = same.first { $0.isEquivalent(to: wanted) } ?? same[0]
            if !keeper.isEquivalent(to: wanted) {
                updates.append(action(.update, wanted.name, before: keeper, after: wanted))
            }
            for extra in same where extra.pk != keeper.pk {
                deletes.append(action(.delete, wanted.name, before: extra))
            }
        }
        for (name, alerts) in byName where !desiredNames.contains(name) {
            deletes += alerts.map { action(.delete, name, before: $0) }
        }
        let order = { (a: ActionRecord, b: ActionRecord) -> Bool in
            a.alertName != b.alertName ? a.alertName.utf8.lexicographicallyPrecedes(b.alertName.utf8) : (a.pk ?? 0) < (b.pk ?? 0)
        }
        return creates.sorted(by: order) + updates.sorted(by: order) + deletes.sorted(by: order)
    }
}
