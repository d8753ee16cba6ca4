/// The four NDJSON streams of the pipeline (docs/streams.md, "Framing") and the record kinds each may carry.
public enum StreamKind: String, Sendable, CaseIterable {
    case desired, current, actions, results

    /// The protocol's major version; a reader refuses any other.
    public static let protocolVersion: Int64 = 1

    /// Whether the stream's records must come in ``RecordOrder`` (docs/streams.md, "Order"):
    /// the two gt-diff merges. An actions stream lists its notices before its actions, and
    /// results come in the order actions were applied.
    public var isOrdered: Bool { self == .desired || self == .current }

    public var allowedRecordKinds: Set<RecordKind> {
        switch self {
        case .desired: [.instance, .project, .warning, .error]
        case .current: [.instance, .project, .missing, .warning, .error]
        case .actions: [.instance, .action, .warning, .error]
        case .results: [.result, .summary, .warning, .error]
        }
    }
}

/// Body record kinds (docs/streams.md, "Record kinds"); `header` and `end` frame a stream and are not body records.
public enum RecordKind: String, Sendable, CaseIterable {
    case instance, project, missing, action, result, summary, warning, error
}

/// What a stream's `end` trailer says.
public struct StreamTrailer: Sendable, Equatable {
    public var complete: Bool
    public var records: Int64
    public var errors: Int64
    public var stats: [String: JSONValue]
}

extension StreamTrailer {
    /// The counters gt's producers write in `stats` (docs/streams.md, "Framing"). Each one
    /// present must be a count: gt-apply turns them into metrics. Other fields are a newer
    /// producer's, and are passed on as they are.
    static let counters = ["requests", "retries", "cache_hits", "cache_misses", "elapsed_ms", "creates", "updates", "deletes"]

    /// Checks `stats` and each tool's stats under its `upstream` (one level: gt-diff's inputs).
    static func checkCounters(_ stats: JSONField) throws {
        for key in counters { _ = try stats.optionalInt(key, in: NumberRange.count) }
        guard let upstream = try stats.optional("upstream") else { return }
        for key in try upstream.object().keys {
            let tool = try upstream.required(key)
            for counter in counters { _ = try tool.optionalInt(counter, in: NumberRange.count) }
        }
    }
}

/// A body record as read: its kind, its whole JSON object and the line it came from.
public struct StreamRecord: Sendable {
    public let kind: RecordKind
    public let value: JSONValue
    public let line: Int

    public init(kind: RecordKind, value: JSONValue, line: Int) {
        self.kind = kind
        self.value = value
        self.line = line
    }
}
