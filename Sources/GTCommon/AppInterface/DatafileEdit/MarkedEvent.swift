internal import CLibYAML

/// One libyaml event with what the datafile editor needs of it: where it starts and ends (in
/// characters from the start of the text, as libyaml counts them, and its line), and for
/// scalars and collections their text, style, anchor and tag.
struct MarkedEvent {
    enum Kind { case scalar, alias, sequenceStart, sequenceEnd, mappingStart, mappingEnd, documentStart, documentEnd, streamEnd, other }

    var kind: Kind
    var start: Int
    var end: Int
    /// 1-based, for messages.
    var line: Int
    var column: Int
    var text = ""
    var plain = false
    /// A flow collection (`[...]`, `{...}`), for collection starts.
    var flow = false
    var anchor = false
    var tag = false

    static func next(from parser: YAMLEventParser) throws -> MarkedEvent {
        try parser.next { event in
            var marked = MarkedEvent(kind: .other, start: Int(event.start_mark.index), end: Int(event.end_mark.index),
                                     line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column))
            switch event.type {
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                marked.kind = .scalar
                marked.text = scalar.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self) } ?? ""
                marked.plain = scalar.style == YAML_PLAIN_SCALAR_STYLE
                marked.anchor = scalar.anchor != nil
                marked.tag = scalar.tag != nil
            case YAML_ALIAS_EVENT: marked.kind = .alias
            case YAML_SEQUENCE_START_EVENT:
                let start = event.data.sequence_start
                marked.kind = .sequenceStart
                marked.flow = start.style == YAML_FLOW_SEQUENCE_STYLE
                marked.anchor = start.anchor != nil
                marked.tag = start.tag != nil
            case YAML_MAPPING_START_EVENT:
                let start = event.data.mapping_start
                marked.kind = .mappingStart
                marked.flow = start.style == YAML_FLOW_MAPPING_STYLE
                marked.anchor = start.anchor != nil
                marked.tag = start.tag != nil
            case YAML_SEQUENCE_END_EVENT: marked.kind = .sequenceEnd
            case YAML_MAPPING_END_EVENT: marked.kind = .mappingEnd
            case YAML_DOCUMENT_START_EVENT: marked.kind = .documentStart
            case YAML_DOCUMENT_END_EVENT: marked.kind = .documentEnd
            case YAML_STREAM_END_EVENT: marked.kind = .streamEnd
            default: break
            }
            return marked
        }
    }
}
