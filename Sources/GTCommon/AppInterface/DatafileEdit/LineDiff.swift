/// The shortest edit script between two sequences of lines (Myers, "An O(ND) Difference
/// Algorithm", in its linear-space form: each step finds the middle snake and recurses on the
/// two halves). Memory is O(N+M) whatever the files; time O((N+M)·D) for D differing lines,
/// after the common head and tail are set aside, and linear when no line is shared at all.
enum LineDiff {
    enum Operation: Equatable { case equal, delete, insert }

    /// One operation per line: `.equal` and `.delete` step through `old`, `.equal` and
    /// `.insert` through `new`, in order.
    static func script(_ old: [Int], _ new: [Int]) -> [Operation] {
        var out: [Operation] = []
        out.reserveCapacity(old.count + new.count)
        diff(old[...], new[...], into: &out)
        return out
    }

    private static func diff(_ a: ArraySlice<Int>, _ b: ArraySlice<Int>, into out: inout [Operation]) {
        var a = a
        var b = b
        var head = 0
        while let x = a.first, let y = b.first, x == y { a.removeFirst(); b.removeFirst(); head += 1 }
        var tail = 0
        while let x = a.last, let y = b.last, x == y { a.removeLast(); b.removeLast(); tail += 1 }
        out += repeatElement(.equal, count: head)
        defer { out += repeatElement(.equal, count: tail) }
        if a.isEmpty || b.isEmpty || Set(a).isDisjoint(with: b) {
            out += repeatElement(.delete, count: a.count)
            out += repeatElement(.insert, count: b.count)
            return
        }
        let (x, y) = middleSnake(Array(a), Array(b))
        diff(a.prefix(x), b.prefix(y), into: &out)
        diff(a.dropFirst(x), b.dropFirst(y), into: &out)
    }

    /// Where the forward and the backward search meet: a split point (x, y) on a shortest
    /// path, with 0 < x + y < n + m whenever the sequences differ and share a line.
    private static func middleSnake(_ a: [Int], _ b: [Int]) -> (Int, Int) {
        let n = a.count, m = b.count
        let maxD = (n + m + 1) / 2
        let offset = maxD
        let size = 2 * maxD + 2
        var forward = [Int](repeating: -1, count: size)
        var backward = [Int](repeating: -1, count: size)
        forward[offset + 1] = 0
        backward[offset + 1] = 0
        let delta = n - m
        // With an odd delta the paths can meet during the forward pass, else the backward one.
        let oddDelta = delta % 2 != 0
        var k1Start = 0, k1End = 0, k2Start = 0, k2End = 0
        for d in 0..<maxD {
            var k1 = -d + k1Start
            while k1 <= d - k1End {
                let i = offset + k1
                var x1 = k1 == -d || (k1 != d && forward[i - 1] < forward[i + 1]) ? forward[i + 1] : forward[i - 1] + 1
                var y1 = x1 - k1
                while x1 < n && y1 < m && a[x1] == b[y1] { x1 += 1; y1 += 1 }
                forward[i] = x1
                if x1 > n { k1End += 2 } else if y1 > m { k1Start += 2 } else if oddDelta {
                    let j = offset + delta - k1
                    if j >= 0 && j < size && backward[j] != -1 && x1 >= n - backward[j] { return (x1, y1) }
                }
                k1 += 2
            }
            var k2 = -d + k2Start
            while k2 <= d - k2End {
                let j = offset + k2
                var x2 = k2 == -d || (k2 != d && backward[j - 1] < backward[j + 1]) ? backward[j + 1] : backward[j - 1] + 1
                var y2 = x2 - k2
                while x2 < n && y2 < m && a[n - x2 - 1] == b[m - y2 - 1] { x2 += 1; y2 += 1 }
                backward[j] = x2
                if x2 > n { k2End += 2 } else if y2 > m { k2Start += 2 } else if !oddDelta {
                    let i = offset + delta - k2
                    if i >= 0 && i < size && forward[i] != -1 {
                        let x1 = forward[i]
                        let y1 = offset + x1 - i
                        if x1 >= n - x2 { return (x1, y1) }
                    }
                }
                k2 += 2
            }
        }
        // Not reached for sequences that share a line; a split that still makes progress.
        return (n, 0)
    }
}
