import AppInterface
import GTStreams

/// A project (instance, organization, slug) declared twice (docs/rules.md, "Desired state"):
/// two desired states for one GlitchTip project. Fed one built record at a time in stream order
/// (docs/streams.md, "Order"), where the declarations of one key come together, so it keeps only
/// the latest key and where it was declared: its memory does not grow with the fleet.
public struct DuplicateProjectKeys: Sendable {
    private var latest: (key: ProjectKey, origin: String)?

    public init() {}

    /// The error naming both declarations when `record`'s key is the one added just before,
    /// else nil.
    public mutating func add(_ record: ProjectRecord, declaredIn origin: String) -> AppInterfaceError? {
        defer { latest = (record.key, origin) }
        guard let latest, latest.key == record.key else { return nil }
        return AppInterfaceError(origin: origin, message: "project '\(record.name)': \(record.key) is also declared in \(latest.origin)")
    }
}
