import GTStreams

/// Reads a request body as the reference's pydantic models do, collecting every failure as a
/// ``ValidationDetail`` with pydantic's `type` and `msg`, and going on, so one answer names
/// every problem. Stricter than pydantic's lax mode in one way: a number must be a JSON
/// integer and a flag a JSON boolean (`"30"`, `30.0`, `1` for true are refused), as every
/// number gt reads is (docs/rules.md, "Numbers"). Fields the models do not know are ignored,
/// as pydantic's default ignores them.
struct RequestFields {
    private(set) var details: [ValidationDetail] = []

    mutating func fail(_ loc: [ValidationDetail.Step], _ type: String, _ msg: String) {
        details.append(ValidationDetail(loc: loc, msg: msg, type: type))
    }

    /// A model's fields; nil (and a failure) when `value` is not an object.
    mutating func model(_ value: JSONValue, at loc: [ValidationDetail.Step], named model: String) -> [String: JSONValue]? {
        guard case .object(let fields) = value else {
            fail(loc, "model_type", "Input should be a valid dictionary or instance of \(model)")
            return nil
        }
        return fields
    }

    /// A required string; empty refused where `nonEmpty` (a name that makes a key or a path,
    /// docs/streams.md, "Names").
    mutating func string(_ fields: [String: JSONValue], _ key: String, at loc: [ValidationDetail.Step],
                         nonEmpty: Bool = false) -> String? {
        guard let value = fields[key] else {
            fail(loc + [.key(key)], "missing", "Field required")
            return nil
        }
        return string(value, at: loc + [.key(key)], nonEmpty: nonEmpty)
    }

    mutating func string(_ value: JSONValue, at loc: [ValidationDetail.Step], nonEmpty: Bool = false) -> String? {
        guard case .string(let text) = value else {
            fail(loc, "string_type", "Input should be a valid string")
            return nil
        }
        if nonEmpty, text.isEmpty {
            fail(loc, "string_too_short", "String should have at least 1 character")
            return nil
        }
        return text
    }

    /// An integer in `range`; `fallback` when absent (nil: required). `nullIsAbsent` for the
    /// numbers App-Interface reads that way (`readTimeout`, `maxRetries`).
    mutating func int(_ fields: [String: JSONValue], _ key: String, at loc: [ValidationDetail.Step], in range: ClosedRange<Int64>,
                      fallback: Int64? = nil, nullIsAbsent: Bool = false) -> Int64? {
        let here = loc + [.key(key)]
        guard let value = fields[key], !(nullIsAbsent && value.isNull) else {
            if fallback == nil { fail(here, "missing", "Field required") }
            return fallback
        }
        guard case .int(let number) = value else {
            if case .double(let real) = value, real.isFinite, real.rounded() != real {
                fail(here, "int_from_float", "Input should be a valid integer, got a number with a fractional part")
            } else {
                fail(here, "int_type", "Input should be a valid integer")
            }
            return nil
        }
        if number < range.lowerBound {
            fail(here, "greater_than_equal", "Input should be greater than or equal to \(range.lowerBound)")
            return nil
        }
        if number > range.upperBound {
            fail(here, "less_than_equal", "Input should be less than or equal to \(range.upperBound)")
            return nil
        }
        return number
    }

    mutating func bool(_ fields: [String: JSONValue], _ key: String, at loc: [ValidationDetail.Step], fallback: Bool) -> Bool? {
        guard let value = fields[key] else { return fallback }
        guard case .bool(let flag) = value else {
            fail(loc + [.key(key)], "bool_type", "Input should be a valid boolean")
            return nil
        }
        return flag
    }

    /// A list's items with their places; `[]` when absent and not `required`, nil on a failure.
    mutating func list(_ fields: [String: JSONValue], _ key: String, at loc: [ValidationDetail.Step],
                       required: Bool = false) -> [(JSONValue, [ValidationDetail.Step])]? {
        let here = loc + [.key(key)]
        guard let value = fields[key] else {
            if required { fail(here, "missing", "Field required") }
            return required ? nil : []
        }
        guard case .array(let items) = value else {
            fail(here, "list_type", "Input should be a valid list")
            return nil
        }
        return items.enumerated().map { ($1, here + [.index($0)]) }
    }
}
