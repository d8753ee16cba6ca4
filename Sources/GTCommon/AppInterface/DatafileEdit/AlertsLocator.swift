/// Where new alerts go in a project datafile, found from libyaml's events of its text: the
/// top-level `alerts:` block sequence, a null or empty `alerts:`, or the end of the top-level
/// mapping. Positions are libyaml's character indices; ``DatafileEdit`` turns them into bytes.
struct AlertsPlacement {
    enum Shape {
        /// After the last line of the last item of `alerts:` (a block sequence).
        case appendToSequence
        /// `alerts:`, `alerts: ~` or `alerts: []`: the value at `valueStart..<valueEnd` is taken out.
        case replaceEmpty(valueStart: Int, valueEnd: Int)
        /// No `alerts` key: the key is added after the mapping's last line.
        case addKey
    }

    var shape: Shape
    /// The new lines go at the start of the line after the one holding this character index
    /// (minus one), or right there when it already starts a line.
    var after: Int
    /// Dashes (and the added key) at this column.
    var indent: Int
}

/// Reads the event stream of one datafile and refuses, with the line, every shape it cannot
/// extend by adding lines alone (a flow `alerts: [a]`, an anchor, alias or tag on `alerts`, a
/// second document, a top level that is not a block mapping).
struct AlertsLocator {
    struct Refusal: Error {
        var line: Int
        var message: String
    }

    private let parser: YAMLEventParser
    /// The end of the latest scalar, alias or flow collection: the last character of content
    /// read so far, whatever comments and blank lines follow it (block collections' end events
    /// are marked where the next content starts).
    private var contentEnd = 0
    /// For each collection open while skipping: whether it is a flow one.
    private var flowStack: [Bool] = []

    init(_ parser: YAMLEventParser) { self.parser = parser }

    mutating func locate() throws -> AlertsPlacement {
        var event = try next()
        while event.kind != .mappingStart && event.kind != .streamEnd {
            guard event.kind == .other || event.kind == .documentStart else {
                throw Refusal(line: event.line, message: "the top level is not a mapping")
            }
            event = try next()
        }
        guard event.kind == .mappingStart else { throw Refusal(line: event.line, message: "the file holds no YAML document") }
        guard !event.flow else { throw Refusal(line: event.line, message: "the top-level mapping is in flow style ({...})") }
        var placement: AlertsPlacement?
        var keyColumn: Int?
        while true {
            let key = try next()
            if key.kind == .mappingEnd { break }
            keyColumn = keyColumn ?? key.column
            if key.kind == .scalar && key.text == "alerts" {
                guard !key.anchor && !key.tag else { throw Refusal(line: key.line, message: "the alerts key has an anchor or a tag") }
                placement = try alertsValue(keyColumn: key.column)
            } else {
                try skip(key)
                try skip(try next())
            }
        }
        let mappingEnd = contentEnd
        try expectSingleDocument()
        return placement ?? AlertsPlacement(shape: .addKey, after: mappingEnd, indent: keyColumn ?? 0)
    }

    private mutating func alertsValue(keyColumn: Int) throws -> AlertsPlacement {
        let value = try next()
        guard value.kind != .alias else { throw Refusal(line: value.line, message: "alerts is an alias") }
        guard !value.anchor && !value.tag else { throw Refusal(line: value.line, message: "alerts has an anchor or a tag") }
        switch value.kind {
        case .scalar:
            guard value.plain && YAMLScalar.isNull(value.text) else {
                throw Refusal(line: value.line, message: "alerts is not a sequence")
            }
            return AlertsPlacement(shape: .replaceEmpty(valueStart: value.start, valueEnd: value.end), after: value.end, indent: keyColumn)
        case .sequenceStart where value.flow:
            let end = try next()
            guard end.kind == .sequenceEnd else {
                throw Refusal(line: value.line, message: "alerts is a flow sequence ([...]) that is not empty: write it as a block sequence")
            }
            contentEnd = end.end
            return AlertsPlacement(shape: .replaceEmpty(valueStart: value.start, valueEnd: end.end), after: end.end, indent: keyColumn)
        case .sequenceStart:
            var item = try next()
            while item.kind != .sequenceEnd {
                try skip(item)
                item = try next()
            }
            return AlertsPlacement(shape: .appendToSequence, after: contentEnd, indent: value.column)
        default:
            throw Refusal(line: value.line, message: "alerts is not a sequence")
        }
    }

    /// Reads the rest of the node `first` starts.
    private mutating func skip(_ first: MarkedEvent) throws {
        var event = first
        while true {
            switch event.kind {
            case .sequenceStart, .mappingStart: flowStack.append(event.flow)
            case .sequenceEnd, .mappingEnd: if flowStack.removeLast() { contentEnd = max(contentEnd, event.end) }
            case .documentEnd, .documentStart, .streamEnd: throw Refusal(line: event.line, message: "unexpected end of the document")
            case .scalar, .alias, .other: break
            }
            if flowStack.isEmpty { return }
            event = try next()
        }
    }

    private mutating func expectSingleDocument() throws {
        while true {
            let event = try next()
            switch event.kind {
            case .streamEnd: return
            case .documentStart: throw Refusal(line: event.line, message: "the file holds a second YAML document")
            default: continue
            }
        }
    }

    private mutating func next() throws -> MarkedEvent {
        let event = try MarkedEvent.next(from: parser)
        if event.kind == .scalar || event.kind == .alias { contentEnd = max(contentEnd, event.end) }
        return event
    }
}
