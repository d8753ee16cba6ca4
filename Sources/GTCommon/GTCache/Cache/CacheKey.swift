import GTStreams
/// The cache keys of the reference (qontract-api's GlitchTip workspace client), so an operator
/// who knows one knows the other.
public enum CacheKey {
    public static func organizations(instance: String) -> String { "glitchtip:\(instance):organizations" }

    public static func projects(instance: String, organization: String) -> String {
        "glitchtip:\(instance):\(organization):projects"
    }

    /// `project`'s organization is GlitchTip's slug (what the API paths use).
    public static func alerts(_ project: ProjectKey) -> String {
        "glitchtip:\(project.instance):\(project.organization):\(project.project):alerts"
    }
}

/// How long entries live, in seconds, per resource: `QAPI_GLITCHTIP_ORGANIZATIONS_CACHE_TTL`,
/// `QAPI_GLITCHTIP_PROJECTS_CACHE_TTL`, `QAPI_GLITCHTIP_ALERTS_CACHE_TTL` (default 3600): whole
/// seconds from 0 to ``maxSeconds`` (docs/rules.md, "Numbers").
public struct CacheTTLs: Sendable, Equatable {
    public var organizations: Double
    public var projects: Double
    public var alerts: Double

    public init(organizations: Double = 3600, projects: Double = 3600, alerts: Double = 3600) {
        self.organizations = organizations
        self.projects = projects
        self.alerts = alerts
    }

    /// 30 days: a listing older than that is not a cache, and a Redis expiry in milliseconds
    /// stays far from overflowing.
    public static let maxSeconds = 2_592_000

    public struct InvalidTTL: Error, CustomStringConvertible {
        public let variable: String
        public let value: String
        public var description: String {
            let shown = value.count > 40 ? "\(value.prefix(40))…" : value
            return "\(variable)=\(shown): expected whole seconds from 0 to \(CacheTTLs.maxSeconds) (30 days)"
        }
    }

    public static func fromEnvironment(_ environment: [String: String]) throws -> CacheTTLs {
        func read(_ name: String) throws -> Double {
            let variable = "QAPI_GLITCHTIP_\(name)_CACHE_TTL"
            guard let text = environment[variable], !text.isEmpty else { return 3600 }
            // Digits only, as the reference's integer setting: no sign, exponent, `inf` or `nan`.
            guard text.utf8.count <= 9, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let seconds = Int(text),
                  seconds <= maxSeconds
            else { throw InvalidTTL(variable: variable, value: text) }
            return Double(seconds)
        }
        return CacheTTLs(organizations: try read("ORGANIZATIONS"), projects: try read("PROJECTS"), alerts: try read("ALERTS"))
    }

    /// The TTL that applies to `key`, by its last part.
    public func seconds(for key: String) -> Double {
        if key.hasSuffix(":organizations") { return organizations }
        if key.hasSuffix(":projects") { return projects }
        return alerts
    }
}
