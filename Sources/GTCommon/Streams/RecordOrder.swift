/// The stable order of body records (SPEC §2): instance records first, then by instance,
/// organization and project, so equal inputs give byte-equal streams whatever order the
/// network answered in.
public enum RecordOrder {
    public static func areInIncreasingOrder(_ a: JSONValue, _ b: JSONValue) -> Bool {
        key(a).lexicographicallyPrecedes(key(b)) { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// `records` in stream order, each record's key computed once.
    public static func sorted(_ records: [JSONValue]) -> [JSONValue] {
        records.map { (key: key($0), record: $0) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
            .map(\.record)
    }

    private static func key(_ record: JSONValue) -> [String] {
        let kind = record["kind"]?.stringValue ?? ""
        let scope = record["scope"]
        func field(_ name: String) -> String {
            record[name]?.stringValue ?? scope?[name]?.stringValue ?? ""
        }
        let rank = kind == "instance" ? "0" : "1"
        let instance = kind == "instance" ? field("name") : field("instance")
        return [rank, instance, field("organization"), field("project"), field("alert_name"), kind]
    }
}
