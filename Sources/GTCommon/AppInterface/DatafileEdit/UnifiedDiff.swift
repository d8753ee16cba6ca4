/// A unified diff of one file, as `git diff` writes it, for `git apply` and `patch -p1`.
public enum UnifiedDiff {
    static let context = 3

    /// The diff from `old` to `new` of the file at `path` (relative to the repository), with
    /// hunks of 3 lines of context; "" when they are equal. A path git would quote (a quote,
    /// a backslash, a control or non-ASCII byte) is quoted as git quotes it; one with a space
    /// gets git's tab after it on the `---`/`+++` lines, which tells `patch` where it ends.
    public static func file(path: String, old: String, new: String) -> String {
        guard !old.utf8.elementsEqual(new.utf8) else { return "" }
        // Lines as bytes: String compares by canonical equivalence (a precomposed `é` equals a
        // decomposed one) and takes "\r\n" as one character, where a diff must see every byte.
        let oldLines = lines(of: Array(old.utf8)), newLines = lines(of: Array(new.utf8))
        var ids: [ArraySlice<UInt8>: Int] = [:]
        func id(_ line: ArraySlice<UInt8>) -> Int {
            if let known = ids[line] { return known }
            ids[line] = ids.count
            return ids.count - 1
        }
        let script = LineDiff.script(oldLines.map(id), newLines.map(id))

        let tab = path.contains(" ") ? "\t" : ""
        var out: [UInt8] = []
        out += "diff --git \(quoted("a/" + path)) \(quoted("b/" + path))\n".utf8
        out += "--- \(quoted("a/" + path))\(tab)\n+++ \(quoted("b/" + path))\(tab)\n".utf8
        for hunk in hunks(script) {
            out += hunk.header.utf8
            var i = hunk.oldStart, j = hunk.newStart
            for operation in script[hunk.range] {
                let line: ArraySlice<UInt8>
                switch operation {
                case .equal: line = oldLines[i]; i += 1; j += 1; out.append(UInt8(ascii: " "))
                case .delete: line = oldLines[i]; i += 1; out.append(UInt8(ascii: "-"))
                case .insert: line = newLines[j]; j += 1; out.append(UInt8(ascii: "+"))
                }
                out += line
                if line.last != UInt8(ascii: "\n") { out += "\n\\ No newline at end of file\n".utf8 }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The lines of `bytes`, each with its `\n` (a CR before it is part of the line).
    static func lines(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            result.append(bytes[start...index])
            start = index + 1
        }
        if start < bytes.count { result.append(bytes[start...]) }
        return result
    }

    private struct Hunk {
        var range: Range<Int>
        /// 0-based line indices where the hunk starts in the old and the new file.
        var oldStart: Int
        var newStart: Int
        var oldCount: Int
        var newCount: Int

        var header: String {
            "@@ -\(Self.span(oldStart, oldCount)) +\(Self.span(newStart, newCount)) @@\n"
        }

        /// An empty span names the line before it (`-0,0` for the start of the file).
        private static func span(_ start: Int, _ count: Int) -> String {
            count == 1 ? "\(start + 1)" : "\(count == 0 ? start : start + 1),\(count)"
        }
    }

    /// The changes with up to `context` equal lines around each, joined when their contexts meet.
    private static func hunks(_ script: [LineDiff.Operation]) -> [Hunk] {
        var changed: [Int] = []
        for (index, operation) in script.enumerated() where operation != .equal { changed.append(index) }
        var ranges: [Range<Int>] = []
        for index in changed {
            let lower = max(0, index - context), upper = min(script.count, index + 1 + context)
            if let last = ranges.last, lower <= last.upperBound {
                ranges[ranges.count - 1] = last.lowerBound..<upper
            } else {
                ranges.append(lower..<upper)
            }
        }
        var hunks: [Hunk] = []
        var position = 0, oldLine = 0, newLine = 0
        for range in ranges {
            while position < range.lowerBound {
                if script[position] != .insert { oldLine += 1 }
                if script[position] != .delete { newLine += 1 }
                position += 1
            }
            var hunk = Hunk(range: range, oldStart: oldLine, newStart: newLine, oldCount: 0, newCount: 0)
            for operation in script[range] {
                if operation != .insert { hunk.oldCount += 1 }
                if operation != .delete { hunk.newCount += 1 }
            }
            hunks.append(hunk)
        }
        return hunks
    }

    /// `name` as git writes it in a diff header: C-quoted when it holds a quote, a backslash,
    /// a control character or any byte beyond ASCII (git's default `core.quotePath`).
    static func quoted(_ name: String) -> String {
        let bytes = Array(name.utf8)
        guard bytes.contains(where: { $0 < 0x20 || $0 >= 0x7F || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            return name
        }
        var out = "\""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            case 0x07: out += "\\a"
            case 0x08: out += "\\b"
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0B: out += "\\v"
            case 0x0C: out += "\\f"
            case 0x0D: out += "\\r"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let octal = String(byte, radix: 8)
                out += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            }
        }
        return out + "\""
    }
}
