/// The stable order of body records (docs/streams.md, "Order"): instance records first, then by
/// instance, organization and project, so equal inputs give byte-equal streams whatever order
/// the network answered in. The desired and current streams must be in this order (their
/// readers refuse a record that is not): gt-diff merges them as two sorted lists, and a
/// reader needs to remember only the keys of the position it is at.
public enum RecordOrder {
    public static func areInIncreasingOrder(_ a: JSONValue, _ b: JSONValue) -> Bool {
        key(a).lexicographicallyPrecedes(key(b), by: utf8Precedes)
    }

    /// `records` in stream order, each record's key computed once.
    public static func sorted(_ records: [JSONValue]) -> [JSONValue] {
        records.map { (key: key($0), record: $0) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key, by: utf8Precedes) }
            .map(\.record)
    }

    /// Already encoded records in stream order.
    public static func sorted(_ records: [EncodedRecord]) -> [EncodedRecord] {
        records.sorted { $0.sortKey.lexicographicallyPrecedes($1.sortKey, by: utf8Precedes) }
    }

    /// Where `record` must stand in a desired or current stream: instance records (by name)
    /// first, then instance, organization, project (a field the record does not have, as in
    /// an organization-scoped `error`, is empty and sorts first). Records of equal position
    /// may come in any order.
    public static func position(_ record: JSONValue) -> [String] { Array(key(record).prefix(4)) }

    /// Whether position `a` comes strictly before position `b` (UTF-8 byte order).
    public static func precedes(_ a: [String], _ b: [String]) -> Bool { a.lexicographicallyPrecedes(b, by: utf8Precedes) }

    /// A position as messages name it: `instance NAME`, or `instance/organization/project`
    /// without the empty trailing parts.
    static func describe(_ position: [String]) -> String {
        guard position.first != "0" else { return "instance \(position.count > 1 ? position[1] : "")" }
        var parts = Array(position.dropFirst())
        while parts.last == "" { parts.removeLast() }
        return parts.isEmpty ? "no scope" : parts.joined(separator: "/")
    }

    static func key(_ record: JSONValue) -> [String] {
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
