import Dispatch

/// Why a stream was refused: which stream, which line, what was wrong.
public struct StreamError: Error, Sendable, CustomStringConvertible, Equatable {
    public let stream: String
    public let line: Int?
    public let message: String

    public init(stream: String, line: Int?, message: String) {
        self.stream = stream
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(stream) stream, line \(line): \(message)" }
        return "\(stream) stream: \(message)"
    }
}

/// Reads one framed stream line by line and refuses anything that is not a complete stream of
/// the expected kind (docs/streams.md, "Framing"): no header, another major version, a malformed line, a record of
/// an unknown or foreign kind, no `end` trailer, a trailer that says `complete:false`, and
/// anything after the trailer, and a second record for a key already seen (``RecordIdentity``:
/// the same project twice, the same alert acted on twice). The trailer's `records` is not
/// checked against what came: a `jq 'select(…)'` that keeps the header and the trailer is a
/// legitimate way to apply part of a plan, while a producer that died leaves no trailer at all.
///
/// The caller must read to the end (``next()`` returns nil) before acting on any record: only
/// then is the stream known to be complete.
public final class StreamReader {
    public let stream: StreamKind
    private let lines: LineReader
    private let label: String
    public private(set) var generator: String = ""
    public private(set) var trailer: StreamTrailer?
    private var bodyRecords: Int64 = 0
    /// The line each key was first seen on (see ``RecordIdentity``). In a stream kept in
    /// ``RecordOrder`` only the keys of the current position, since a key cannot come back
    /// once the position has moved past it: memory does not grow with the stream.
    private var firstLines: [String: Int] = [:]
    /// The position (``RecordOrder/position(_:)``) and line of the last body record, in a
    /// stream whose order is part of its contract.
    private var lastPosition: (position: [String], line: Int)?

    /// - Parameters:
    ///   - label: how messages name the stream, e.g. `current` or `current (snapshot.ndjson)`.
    public init(stream: StreamKind, lines: LineReader, label: String? = nil) throws {
        self.stream = stream
        self.lines = lines
        self.label = label ?? stream.rawValue
        try readHeader()
    }

    private func fail(_ line: Int?, _ message: String) -> StreamError {
        StreamError(stream: label, line: line, message: message)
    }

    private func nextObject() throws -> (JSONField, Int)? {
        let line: LineReader.Line?
        do { line = try lines.next() } catch { throw fail(error.line, error.message) }
        guard let line else { return nil }
        return (JSONField(try parse(line).get()), line.number)
    }

    private func parse(_ line: LineReader.Line) -> Result<JSONValue, StreamError> { Self.parse(line, label: label) }

    /// One line as a JSON object. Pure, so batches of lines can be parsed on every core.
    private static func parse(_ line: LineReader.Line, label: String) -> Result<JSONValue, StreamError> {
        func fail(_ message: String) -> StreamError { StreamError(stream: label, line: line.number, message: message) }
        guard line.terminated else {
            return .failure(fail("line is cut off (no newline at the end): the producer stopped mid-write"))
        }
        let value: JSONValue
        do { value = try line.bytes.withUnsafeBytes { raw throws(JSONParseError) in try JSONValue(parsing: raw) } } catch {
            // jansson quotes the text near the error, which may be part of a webhook URL.
            return .failure(fail("malformed JSON: \(RedactedURL.scrub("\(error)"))"))
        }
        guard case .object = value else {
            return .failure(fail("expected a JSON object, got \(value.typeName)"))
        }
        return .success(value)
    }

    private func readHeader() throws {
        guard let (header, number) = try nextObject() else {
            throw fail(nil, "is empty: no header (did the producer fail before writing anything?)")
        }
        guard header.value["kind"]?.stringValue == "header" else {
            throw fail(number, "expected a header record first, got kind '\(header.value["kind"]?.stringValue ?? "?")'")
        }
        let version: Int64
        let name: String
        do {
            version = try header.required("version").int()
            name = try header.required("stream").string()
            generator = try header.optional("generator")?.string() ?? ""
        } catch {
            throw fail(number, "bad header: \(error)")
        }
        guard version == StreamKind.protocolVersion else {
            throw fail(number, "unsupported protocol version \(version) (this tool reads version \(StreamKind.protocolVersion))")
        }
        guard name == stream.rawValue else {
            throw fail(number, "is a '\(name)' stream, expected '\(stream.rawValue)'")
        }
    }

    /// The next body record, or nil once a valid trailer has been read.
    public func next() throws -> StreamRecord? {
        guard trailer == nil else { return nil }
        guard let (record, number) = try nextObject() else {
            throw fail(nil, "ended after \(bodyRecords) records without an end trailer: the producer died or was cut off")
        }
        return try classify(record, number)
    }

    /// Reads the rest of the stream in batches, parsing lines and running `transform` on the
    /// records on every core, then handing each batch, in order, to `body`. The same refusals
    /// as ``next()``; `body` sees nothing past a refused line's batch.
    public func forEachBatch<T: Sendable>(size: Int = 512, transform: @escaping @Sendable (StreamRecord) throws -> T,
                                          _ body: ([T]) throws -> Void) throws {
        while let batch = try nextBatch(size: size, transform: transform) { try body(batch) }
    }

    /// The next body records (up to `size` lines' worth, possibly none), parsed and run through
    /// `transform` on every core; nil once the trailer has been read. The same refusals as
    /// ``next()``. What ``forEachBatch(size:transform:_:)`` does, pulled by the caller, so two
    /// streams can be read side by side (gt-diff's merge).
    public func nextBatch<T: Sendable>(size: Int = 512, transform: @escaping @Sendable (StreamRecord) throws -> T) throws -> [T]? {
        guard trailer == nil else { return nil }
        var batch: [LineReader.Line] = []
        batch.reserveCapacity(size)
        // Bounded in bytes too: `size` lines each near the line limit would be gigabytes
        // (docs/streams.md, "Line limit").
        var bytes = 0
        while batch.count < size && bytes < lines.maxLineBytes {
            let line: LineReader.Line?
            do { line = try lines.next() } catch { throw fail(error.line, error.message) }
            guard let line else { break }
            batch.append(line)
            bytes += line.bytes.count
        }
        guard !batch.isEmpty else {
            throw fail(nil, "ended after \(bodyRecords) records without an end trailer: the producer died or was cut off")
        }
        let parsed = ConcurrentSlots<Result<JSONValue, StreamError>>(count: batch.count)
        let lines = batch
        let label = self.label
        DispatchQueue.concurrentPerform(iterations: lines.count) { index in
            parsed.set(index, Self.parse(lines[index], label: label))
        }
        var records: [StreamRecord] = []
        records.reserveCapacity(batch.count)
        for (index, line) in batch.enumerated() {
            if trailer != nil { throw fail(line.number, "data after the end trailer") }
            if let record = try classify(JSONField(try parsed.get(index).get()), line.number) { records.append(record) }
        }
        let transformed = ConcurrentSlots<Result<T, Error>>(count: records.count)
        let ready = records
        DispatchQueue.concurrentPerform(iterations: ready.count) { index in
            transformed.set(index, Result { try transform(ready[index]) })
        }
        var values: [T] = []
        values.reserveCapacity(records.count)
        for index in 0..<records.count {
            do { values.append(try transformed.get(index).get()) } catch {
                throw fail(records[index].line, "\(error)")
            }
        }
        return values
    }

    /// A body record, or nil for the (valid) trailer.
    private func classify(_ record: JSONField, _ number: Int) throws -> StreamRecord? {
        let kindName: String
        do { kindName = try record.required("kind").string() } catch {
            throw fail(number, "\(error)")
        }
        if kindName == "end" {
            try readTrailer(record, number)
            return nil
        }
        guard let kind = RecordKind(rawValue: kindName), stream.allowedRecordKinds.contains(kind) else {
            throw fail(number, "unknown record kind '\(kindName)' in a \(stream.rawValue) stream")
        }
        try checkOrder(kind, record.value, number)
        if let key = RecordIdentity.of(kind, record.value) {
            if let first = firstLines[key] { throw fail(number, "\(key) duplicates line \(first)") }
            firstLines[key] = number
        }
        bodyRecords += 1
        return StreamRecord(kind: kind, value: record.value, line: number)
    }

    /// Refuses a record that sorts before the one read last (docs/streams.md, "Order"), naming
    /// both lines: a producer that did not sort, or streams concatenated by hand.
    private func checkOrder(_ kind: RecordKind, _ record: JSONValue, _ number: Int) throws {
        guard stream.isOrdered else { return }
        let position = RecordOrder.position(record)
        if let last = lastPosition {
            if RecordOrder.precedes(position, last.position) {
                let what = RecordIdentity.of(kind, record) ?? "\(kind.rawValue) record for \(RecordOrder.describe(position))"
                throw fail(number, "\(what) is out of order: it sorts before line \(last.line) "
                    + "(\(RecordOrder.describe(last.position))); records must be sorted by instance, organization, project")
            }
            if RecordOrder.precedes(last.position, position) { firstLines.removeAll(keepingCapacity: true) }
        }
        lastPosition = (position, number)
    }

    private func readTrailer(_ record: JSONField, _ number: Int) throws {
        let parsed: StreamTrailer
        let name: String
        do {
            name = try record.required("stream").string()
            let stats = try record.optional("stats")
            try stats.map(StreamTrailer.checkCounters)
            parsed = StreamTrailer(
                complete: try record.required("complete").bool(),
                records: try record.int("records", in: NumberRange.count),
                errors: try record.optionalInt("errors", in: NumberRange.count) ?? 0,
                stats: try stats?.object() ?? [:])
        } catch {
            throw fail(number, "bad end trailer: \(error)")
        }
        // Another stream's trailer: streams spliced by hand (docs/streams.md, "Framing").
        guard name == stream.rawValue else {
            throw fail(number, "the end trailer is a '\(name)' stream's, expected '\(stream.rawValue)'")
        }
        guard parsed.complete else {
            throw fail(number, "the producer marked this stream incomplete (complete:false); refusing to act on it")
        }
        let extra: LineReader.Line?
        do { extra = try lines.next() } catch { throw fail(error.line, error.message) }
        if let extra {
            throw fail(extra.number, "data after the end trailer")
        }
        trailer = parsed
    }

    /// Reads every remaining body record; throws unless the stream is complete.
    public func readAll() throws -> [StreamRecord] {
        var all: [StreamRecord] = []
        while let record = try next() { all.append(record) }
        return all
    }
}

