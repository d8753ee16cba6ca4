import AppInterface
import GTStreams

/// The fields of one project's Vault secret that adopted webhook URLs get: named after the
/// alert (lower-case ASCII letters, digits and `-`, so a `vault kv put field=value` argument
/// cannot be misread), and never one the project's datafile already uses at that path.
struct SecretFields {
    let path: String?
    private var used: Set<String> = []

    init(declared: AppInterfaceModel.Project, path: String?) {
        self.path = path
        for alert in declared.alerts {
            for case .webhook(_, let ref?) in alert.recipients where ref.path == path { used.insert(ref.field) }
        }
    }

    /// The next field for a webhook of `alert`; nil when no `--secret-path` was given.
    mutating func next(for alert: String) -> SecretRef? {
        guard let path else { return nil }
        var stem = ""
        var dash = false
        for scalar in alert.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if dash, !stem.isEmpty { stem += "-" }
                stem.unicodeScalars.append(scalar)
                dash = false
            } else {
                dash = true
            }
        }
        if stem.isEmpty { stem = "webhook" }
        var field = stem
        var number = 2
        while used.contains(field) {
            field = "\(stem)-\(number)"
            number += 1
        }
        used.insert(field)
        return SecretRef(path: path, field: field)
    }
}
