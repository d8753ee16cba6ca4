/// libyaml's marks count characters (Unicode scalars; a BOM counts, as gt's parser is told the
/// input is UTF-8); edits are made on the UTF-8 bytes.
enum TextOffsets {
    /// The byte offsets of the given character indices, in one pass over `bytes`.
    static func bytes(atCharacters indices: [Int], in bytes: [UInt8]) -> [Int] {
        let order = indices.indices.sorted { indices[$0] < indices[$1] }
        var result = Array(repeating: bytes.count, count: indices.count)
        var next = 0
        var character = 0
        for (offset, byte) in bytes.enumerated() where byte & 0xC0 != 0x80 {
            while next < order.count && indices[order[next]] <= character {
                result[order[next]] = offset
                next += 1
            }
            if next == order.count { break }
            character += 1
        }
        return result
    }

    static func isBreak(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") }

    /// `offset` when it starts a line (or is the end), else the start of the next line: where
    /// lines go after the content that ends at `offset`.
    static func lineStart(after offset: Int, in bytes: [UInt8]) -> Int {
        if offset == 0 || offset == bytes.count || isBreak(bytes[offset - 1]) && !(bytes[offset - 1] == UInt8(ascii: "\r") && bytes[offset] == UInt8(ascii: "\n")) {
            return offset
        }
        var i = offset
        while i < bytes.count && !isBreak(bytes[i]) { i += 1 }
        if i < bytes.count && bytes[i] == UInt8(ascii: "\r") { i += 1 }
        if i < bytes.count && bytes[i] == UInt8(ascii: "\n") { i += 1 }
        return i
    }

    /// The line ending of the line that ends at `offset`, or else the file's first one; `\n`
    /// for a file of one unterminated line.
    static func lineEnding(before offset: Int, in bytes: [UInt8]) -> String {
        if offset > 0 && bytes[offset - 1] == UInt8(ascii: "\n") {
            return offset > 1 && bytes[offset - 2] == UInt8(ascii: "\r") ? "\r\n" : "\n"
        }
        if offset > 0 && bytes[offset - 1] == UInt8(ascii: "\r") { return "\r" }
        guard let first = bytes.firstIndex(where: isBreak) else { return "\n" }
        if bytes[first] == UInt8(ascii: "\n") { return "\n" }
        return first + 1 < bytes.count && bytes[first + 1] == UInt8(ascii: "\n") ? "\r\n" : "\r"
    }
}
