/// A body record already serialised, with what ordering and reporting need: built where the
/// record is made (on any thread), sorted by its key, then written as bytes.
public struct EncodedRecord: Sendable {
    public let kind: RecordKind
    let sortKey: [String]
    /// The record as written, without its newline.
    public let bytes: [UInt8]
    /// The text of a `warning` or `error` record.
    public let message: String?

    public init(_ record: JSONValue) {
        kind = record["kind"]?.stringValue.flatMap(RecordKind.init(rawValue:)) ?? .warning
        sortKey = RecordOrder.key(record)
        var out: [UInt8] = []
        record.write(to: &out)
        bytes = out
        message = kind == .warning || kind == .error ? record["message"]?.stringValue : nil
    }

    /// A record read back from a ``RecordSpill``: its place in the order is already settled.
    init(kind: RecordKind, bytes: [UInt8], message: String?) {
        self.kind = kind
        sortKey = []
        self.bytes = bytes
        self.message = message
    }

    /// A project record, written without building its JSON tree first.
    public init(_ project: ProjectRecord) {
        kind = .project
        sortKey = ["1", project.instance, project.organization, project.project, "", "project"]
        var out: [UInt8] = []
        out.reserveCapacity(256 + project.alerts.count * 256)
        project.write(to: &out)
        bytes = out
        message = nil
    }
}

extension ProjectRecord {
    /// The record's JSON, keys in the byte order ``JSONValue/serialized()`` uses.
    public func write(to out: inout [UInt8]) {
        out += #"{"alerts":["#.utf8
        for (index, alert) in alerts.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            alert.write(to: &out)
        }
        out += #"],"instance":"#.utf8
        JSONValue.writeString(instance, to: &out)
        out += #","kind":"project","name":"#.utf8
        JSONValue.writeString(name, to: &out)
        out += #","organization":"#.utf8
        JSONValue.writeString(organization, to: &out)
        if let organizationSlug {
            out += #","organization_slug":"#.utf8
            JSONValue.writeString(organizationSlug, to: &out)
        }
        out += #","project":"#.utf8
        JSONValue.writeString(project, to: &out)
        out.append(UInt8(ascii: "}"))
    }
}

extension AlertRecord {
    /// Keys in byte order: extra, name, pk, quantity, recipients, timespan_minutes.
    public func write(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        writeExtra(extra, to: &out)
        out += #""name":"#.utf8
        JSONValue.writeString(name, to: &out)
        if let pk {
            out += #","pk":"#.utf8
            out += String(pk).utf8
        }
        out += #","quantity":"#.utf8
        out += (quantity.map(String.init) ?? "null").utf8
        out += #","recipients":["#.utf8
        for (index, recipient) in recipients.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            recipient.write(to: &out)
        }
        out += #"],"timespan_minutes":"#.utf8
        out += (timespanMinutes.map(String.init) ?? "null").utf8
        out.append(UInt8(ascii: "}"))
    }
}

extension RecipientRecord {
    /// Keys in byte order: extra, pk, recipient_type, url.
    public func write(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        writeExtra(extra, to: &out)
        if let pk {
            out += #""pk":"#.utf8
            out += String(pk).utf8
            out.append(UInt8(ascii: ","))
        }
        out += #""recipient_type":"#.utf8
        JSONValue.writeString(type, to: &out)
        out += #","url":"#.utf8
        JSONValue.writeString(url, to: &out)
        out.append(UInt8(ascii: "}"))
    }
}

/// `"extra":{…},` when there is anything unmanaged to keep (the first key in byte order).
private func writeExtra(_ extra: [String: JSONValue], to out: inout [UInt8]) {
    guard !extra.isEmpty else { return }
    out += #""extra":"#.utf8
    JSONValue.object(extra).write(to: &out)
    out.append(UInt8(ascii: ","))
}
