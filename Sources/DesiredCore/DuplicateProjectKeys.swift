import AppInterface
import GTStreams

/// A project (instance, organization, slug) declared twice (docs/rules.md, "Desired state"):
/// two desired states for one GlitchTip project. Fed one built record at a time with where it
/// was declared; it keeps, per project key, only the origin of its latest declaration.
public struct DuplicateProjectKeys: Sendable {
    private var origins: [ProjectKey: String] = [:]

    public init() {}

    /// The error naming both declarations when `record`'s key was added before, else nil.
    public mutating func add(_ record: ProjectRecord, declaredIn origin: String) -> AppInterfaceError? {
        defer { origins[record.key] = origin }
        guard let earlier = origins[record.key] else { return nil }
        return AppInterfaceError(origin: origin, message: "project '\(record.name)': \(record.key) is also declared in \(earlier)")
    }
}
