/// Writes one framed stream: the header at once, body records as they come, the `end` trailer
/// last (docs/streams.md, "Framing").
///
/// The trailer's `records` and `errors` are counted here, so a producer cannot get them wrong.
/// A producer that fails calls ``finish(complete:stats:)`` with `complete: false`; a consumer
/// then refuses the stream.
public final class StreamWriter {
    public let stream: StreamKind
    private let output: FileOutput
    public private(set) var records: Int64 = 0
    public private(set) var errors: Int64 = 0
    private var finished = false

    public init(stream: StreamKind, generator: String, output: FileOutput) {
        self.stream = stream
        self.output = output
        let header: JSONValue = [
            "kind": "header", "stream": .string(stream.rawValue),
            "version": .int(StreamKind.protocolVersion), "generator": .string(generator),
        ]
        emit(header)
    }

    /// Writes a body record; its `kind` must be one the stream allows.
    public func write(_ record: JSONValue) {
        precondition(!finished, "record written after the trailer")
        let kind = record["kind"]?.stringValue.flatMap(RecordKind.init(rawValue:))
        precondition(kind.map(stream.allowedRecordKinds.contains) ?? false,
                     "record kind \(record["kind"]?.stringValue ?? "?") not allowed in a \(stream) stream")
        records += 1
        if kind == .error { errors += 1 }
        emit(record)
    }

    /// Writes a record serialised beforehand (see ``EncodedRecord``).
    public func write(_ record: EncodedRecord) {
        precondition(!finished, "record written after the trailer")
        precondition(stream.allowedRecordKinds.contains(record.kind), "record kind \(record.kind) not allowed in a \(stream) stream")
        records += 1
        if record.kind == .error { errors += 1 }
        output.append { buffer in
            buffer += record.bytes
            buffer.append(0x0A)
        }
    }

    /// Writes the trailer and flushes. Call once.
    public func finish(complete: Bool = true, stats: [String: JSONValue] = [:]) {
        guard !finished else { return }
        finished = true
        let trailer: JSONValue = [
            "kind": "end", "stream": .string(stream.rawValue), "complete": .bool(complete),
            "records": .int(records), "errors": .int(errors), "stats": .object(stats),
        ]
        emit(trailer)
        output.flush()
    }

    private func emit(_ value: JSONValue) {
        output.append { buffer in
            value.write(to: &buffer)
            buffer.append(0x0A)
        }
    }
}
