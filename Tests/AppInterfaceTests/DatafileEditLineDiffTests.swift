@testable import AppInterface
import XCTest

/// The line diff under `UnifiedDiff`: a valid edit script, as short as the longest common
/// subsequence allows, and linear memory on large files.
final class DatafileEditLineDiffTests: XCTestCase {
    /// Replays `script` on `a`; it must give `b`.
    private func replay(_ script: [LineDiff.Operation], _ a: [Int], _ b: [Int]) -> [Int]? {
        var i = 0, j = 0, out: [Int] = []
        for operation in script {
            switch operation {
            case .equal:
                guard i < a.count, j < b.count, a[i] == b[j] else { return nil }
                out.append(a[i]); i += 1; j += 1
            case .delete:
                guard i < a.count else { return nil }
                i += 1
            case .insert:
                guard j < b.count else { return nil }
                out.append(b[j]); j += 1
            }
        }
        return i == a.count && j == b.count ? out : nil
    }

    private func lcsLength(_ a: [Int], _ b: [Int]) -> Int {
        var row = [Int](repeating: 0, count: b.count + 1)
        for x in a {
            var diagonal = 0
            for (j, y) in b.enumerated() {
                let above = row[j + 1]
                row[j + 1] = x == y ? diagonal + 1 : max(row[j + 1], row[j])
                diagonal = above
            }
        }
        return row[b.count]
    }

    /// 5,000 random pairs over small alphabets (many repeated lines): every script replays to
    /// the new sequence and keeps as many lines as the longest common subsequence.
    func testRandomScriptsAreValidAndMinimal() {
        var rng = SplitMix(seed: 7)
        for round in 0..<5_000 {
            let alphabet = 1 + Int(rng.next() % 6)
            let a = (0..<Int(rng.next() % 25)).map { _ in Int(rng.next() % UInt64(alphabet)) }
            let b = (0..<Int(rng.next() % 25)).map { _ in Int(rng.next() % UInt64(alphabet)) }
            let script = LineDiff.script(a, b)
            XCTAssertEqual(replay(script, a, b), b, "round \(round): \(a) -> \(b)")
            XCTAssertEqual(script.filter { $0 == .equal }.count, lcsLength(a, b), "round \(round): \(a) -> \(b)")
        }
    }

    /// A 20,000-line file with a change every 100 lines, and one with no line in common: the
    /// scripts are right (memory is O(N+M): the middle-snake search keeps two vectors).
    func testTwentyThousandLines() {
        let a = Array(0..<20_000)
        var b = a
        for i in stride(from: 50, to: 20_000, by: 100) { b[i] = -i }
        b.insert(-1, at: 10_000)
        let script = LineDiff.script(a, b)
        XCTAssertEqual(replay(script, a, b), b)
        XCTAssertEqual(script.filter { $0 != .equal }.count, 2 * 200 + 1)
        let different = Array(20_000..<40_000)
        let whole = LineDiff.script(a, different)
        XCTAssertEqual(whole, Array(repeating: .delete, count: 20_000) + Array(repeating: .insert, count: 20_000))
        // Every other line changed: D is the size of the file, the costly case for Myers' time.
        let short = Array(0..<4_000)
        let half = short.map { $0 % 2 == 0 ? $0 : -$0 }
        XCTAssertEqual(replay(LineDiff.script(short, half), short, half), half)
        XCTAssertEqual(LineDiff.script(short, half).filter { $0 == .equal }.count, 2_000)
    }

    func testAppendAtTheEndOfALargeFile() {
        let old = (0..<20_000).map { "- name: alert-\($0)\n" }.joined()
        let new = old + "- name: adopted\n"
        XCTAssertEqual(UnifiedDiff.file(path: "p.yml", old: old, new: new),
                       "diff --git a/p.yml b/p.yml\n--- a/p.yml\n+++ b/p.yml\n@@ -19998,3 +19998,4 @@\n - name: alert-19997\n"
                        + " - name: alert-19998\n - name: alert-19999\n+- name: adopted\n")
    }
}
