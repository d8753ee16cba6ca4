import GTStreams

/// Edits App-Interface datafiles as text: new lines are added (and at most one line changed),
/// every other byte is kept, so comments, key order, quoting, blank lines and line endings stay
/// as the file's authors wrote them (a YAML re-dump would lose all of them).
public enum DatafileEdit {
    /// An edit refused, naming the file and, where there is one, the line.
    public struct EditError: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// `text` with `items` appended to its top-level `alerts:` sequence, written as block items.
    ///
    /// - A block `alerts:` sequence gets the items after the last line of its last item, dashes
    ///   at its dashes' column; comment and blank lines after that item stay after the new ones.
    /// - `alerts:`, `alerts: ~`, `alerts: []` (null or empty): that line loses its value (a
    ///   comment on it stays) and the items follow it.
    /// - No `alerts` key: `alerts:` and the items after the top-level mapping's last line
    ///   (before trailing comments and a `...` end marker).
    ///
    /// The result is read back and must equal the original document with exactly `items`
    /// appended to `alerts`; anything else (and every shape listed in ``AlertsLocator``) throws.
    public static func appendingAlerts(_ items: [YAMLNode], to text: String, file: String) throws -> String {
        let original: JSONValue
        do { original = try YAMLDocument.parse(text) } catch {
            throw EditError(description: "\(file): \(error)")
        }
        guard case .object(var expected) = original else {
            throw EditError(description: "\(file): the top level is not a mapping")
        }
        guard !items.isEmpty else { return text }
        let placement: AlertsPlacement
        do {
            var bytes = Array(text.utf8)
            var locator = AlertsLocator(try YAMLEventParser(&bytes))
            placement = try locator.locate()
        } catch let refusal as AlertsLocator.Refusal {
            throw EditError(description: "\(file), line \(refusal.line): cannot add alerts: \(refusal.message)")
        } catch {
            throw EditError(description: "\(file): \(error)")
        }
        let edited = apply(placement, items: items, to: Array(text.utf8))

        var alerts: [JSONValue]
        switch expected["alerts"] {
        case nil, .null?: alerts = []
        case .array(let existing)?: alerts = existing
        case let other?: throw EditError(description: "\(file): alerts is a \(other.typeName), not a sequence")
        }
        alerts += items.map(\.jsonValue)
        expected["alerts"] = .array(alerts)
        let reread: JSONValue
        do { reread = try YAMLDocument.parse(edited) } catch {
            throw EditError(description: "\(file): the edited file would not read back (\(error)); left unchanged")
        }
        guard identical(reread, .object(expected)) else {
            throw EditError(description: "\(file): the edited file would not read back as the alerts appended; left unchanged")
        }
        return edited
    }

    /// The text with the placement's edit made: at most one value taken out, lines added.
    static func apply(_ placement: AlertsPlacement, items: [YAMLNode], to bytes: [UInt8]) -> String {
        var positions = [placement.after]
        if case .replaceEmpty(let start, let end) = placement.shape { positions += [start, end] }
        let offsets = TextOffsets.bytes(atCharacters: positions, in: bytes)
        let insertAt = TextOffsets.lineStart(after: offsets[0], in: bytes)
        let eol = TextOffsets.lineEnding(before: insertAt, in: bytes)

        var lines: [String] = []
        if case .addKey = placement.shape { lines.append(String(repeating: " ", count: placement.indent) + "alerts:") }
        for item in items { lines += YAMLEmitter.sequenceItem(item, indent: placement.indent) }
        let atUnterminatedEnd = insertAt == bytes.count && !(bytes.last.map(TextOffsets.isBreak) ?? true)
        let added = atUnterminatedEnd
            ? eol + lines.joined(separator: eol)
            : lines.map { $0 + eol }.joined()

        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + added.utf8.count)
        if case .replaceEmpty = placement.shape {
            // `alerts: []  # none yet` becomes `alerts:  # none yet`: the spaces before the
            // value go with it; one stays if the value was followed by anything but a break.
            var cut = offsets[1]
            while cut > 0 && (bytes[cut - 1] == UInt8(ascii: " ") || bytes[cut - 1] == UInt8(ascii: "\t")) { cut -= 1 }
            let valueEnd = offsets[2]
            out += bytes[..<cut]
            if valueEnd < bytes.count && !TextOffsets.isBreak(bytes[valueEnd]) && bytes[valueEnd] != UInt8(ascii: " ") {
                out.append(UInt8(ascii: " "))
            }
            out += bytes[valueEnd..<insertAt]
        } else {
            out += bytes[..<insertAt]
        }
        out += added.utf8
        out += bytes[insertAt...]
        return String(decoding: out, as: UTF8.self)
    }

    /// Equality for the read-back check: strings byte for byte (`==` on String takes a
    /// decomposed `é` for a precomposed one) and a NaN equal to a NaN (`==` on Double does not,
    /// which refused every file holding a `.nan`).
    static func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
        case (.double(let x), .double(let y)): return x == y || (x.isNaN && y.isNaN)
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { identical(value, $0) } ?? false }
        default: return a == b
        }
    }
}
