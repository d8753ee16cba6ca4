import GTStreams

/// One alert as a desired state names it: its project (organization as App-Interface names it)
/// and its name. What gt-diff's history keeps (docs/rules.md, "Deletes of alerts no desired
/// state declared").
public struct DeclaredAlert: Hashable, Comparable, Sendable {
    public let project: ProjectKey
    public let name: String

    public init(project: ProjectKey, name: String) {
        self.project = project
        self.name = name
    }

    /// The history's order: by project in stream order, then by name, as UTF-8 bytes.
    public static func < (a: DeclaredAlert, b: DeclaredAlert) -> Bool {
        a.project != b.project ? a.project < b.project : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
    }
}

/// The alerts some desired state declared: the current one's, and with `--history` every
/// earlier one's too. A set that only grows: an alert once declared stays declared, so its
/// delete after it left App-Interface is a deliberate one, not a surprise.
public struct DeclaredAlerts: Sendable, Equatable {
    public private(set) var alerts: Set<DeclaredAlert> = []

    public init(_ alerts: some Sequence<DeclaredAlert> = []) { self.alerts = Set(alerts) }

    public var count: Int { alerts.count }

    public func contains(_ alert: DeclaredAlert) -> Bool { alerts.contains(alert) }

    /// Every alert `project` declares.
    public mutating func insert(_ project: ProjectRecord) {
        for alert in project.alerts { alerts.insert(DeclaredAlert(project: project.key, name: alert.name)) }
    }

    public mutating func formUnion(_ other: DeclaredAlerts) { alerts.formUnion(other.alerts) }

    public func union(_ other: DeclaredAlerts) -> DeclaredAlerts {
        var both = self
        both.formUnion(other)
        return both
    }
}

extension DeclaredAlerts {
    /// The history file's format name and version, in its header line.
    public static let format = "gt-declared-alerts"
    public static let version: Int64 = 1

    /// The history file (docs/rules.md): a header, one line per alert sorted, and an end line
    /// with their count, each a JSON object with sorted keys, so two versions diff line by line
    /// and a file cut short is known.
    public func rendered() -> [UInt8] {
        var out: [UInt8] = []
        func line(_ value: JSONValue) {
            value.write(to: &out)
            out.append(UInt8(ascii: "\n"))
        }
        line(["kind": "header", "format": .string(Self.format), "version": .int(Self.version)])
        for alert in alerts.sorted() {
            line(["kind": "alert", "instance": .string(alert.project.instance), "organization": .string(alert.project.organization),
                  "project": .string(alert.project.project), "alert": .string(alert.name)])
        }
        line(["kind": "end", "alerts": .int(Int64(alerts.count))])
        return out
    }
}
