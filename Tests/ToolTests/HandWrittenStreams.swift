import Foundation
import GTTestSupport
import XCTest

extension XCTestCase {
    /// gt-diff over two hand-written streams, each given as its lines (header and trailer included).
    func diffHandWritten(desired: [String], current: [String]) throws -> ToolResult {
        let dir = scratchDirectory()
        let desiredPath = dir.appendingPathComponent("desired.ndjson").path
        let currentPath = dir.appendingPathComponent("current.ndjson").path
        try (desired.joined(separator: "\n") + "\n").write(toFile: desiredPath, atomically: true, encoding: .utf8)
        try (current.joined(separator: "\n") + "\n").write(toFile: currentPath, atomically: true, encoding: .utf8)
        return try Tools.run("gt-diff", ["--desired", desiredPath, currentPath])
    }
}
