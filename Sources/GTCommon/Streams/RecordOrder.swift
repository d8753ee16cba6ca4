/// The stable order of body records (docs/streams.md, first paragraph): instance records
/// first, then by instance, organization and project, so equal inputs give byte-equal streams
/// whatever order the network answered in.
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
