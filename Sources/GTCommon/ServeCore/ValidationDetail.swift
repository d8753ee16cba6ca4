import GTStreams

/// One reason a request is refused, in FastAPI's shape (`{"loc", "msg", "type"}`), so the
/// reference's client reads a 422 from gt-serve as it reads one from the reference. `loc` walks
/// from `body` to the field (`["body", "instances", 0, "name"]`); the input itself is never
/// echoed: it may be a webhook URL, whose path is a secret (docs/streams.md, "Redaction").
public struct ValidationDetail: Sendable, Equatable, CustomStringConvertible {
    public enum Step: Sendable, Hashable, CustomStringConvertible {
        case key(String)
        case index(Int)

        public var json: JSONValue {
            switch self {
            case .key(let key): .string(key)
            case .index(let index): .int(Int64(index))
            }
        }

        public var description: String {
            switch self {
            case .key(let key): key
            case .index(let index): String(index)
            }
        }
    }

    public let loc: [Step]
    public let msg: String
    public let type: String

    public init(loc: [Step], msg: String, type: String) {
        self.loc = loc
        self.msg = msg
        self.type = type
    }

    public var json: JSONValue {
        ["loc": .array(loc.map(\.json)), "msg": .string(msg), "type": .string(type)]
    }

    /// `body.instances.0.name: Field required`.
    public var description: String { "\(Self.origin(loc)): \(msg)" }

    /// A place as the desired-state rules name it (an `origin`): the steps joined by dots. No
    /// step holds a name from the request, only the model's field names and indices, so the
    /// text reads back into steps exactly (``steps(_:)``).
    static func origin(_ loc: [Step]) -> String { loc.map(\.description).joined(separator: ".") }

    /// The steps of an ``origin(_:)``, or nil for any other text.
    static func steps(_ origin: Substring) -> [Step]? {
        let parts = origin.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.first == "body" else { return nil }
        var steps: [Step] = []
        for part in parts {
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else { return nil }
            steps.append(part.allSatisfy(\.isNumber) ? Int(part).map(Step.index) ?? .key(String(part)) : .key(String(part)))
        }
        return steps
    }
}

/// A request refused before anything runs (HTTP 422): every reason found, in the order found.
public struct RequestRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public let details: [ValidationDetail]

    public init(details: [ValidationDetail]) { self.details = details }

    /// The body FastAPI answers a 422 with: `{"detail": [{"loc", "msg", "type"}, …]}`.
    public var json: JSONValue { ["detail": .array(details.map(\.json))] }

    public var description: String { details.map(\.description).joined(separator: "; ") }
}
