import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// A built tool running in the background, for tests that act on it while it runs (a signal,
/// a kill). Output goes to files, as with `Tools.run`.
final class BackgroundTool: @unchecked Sendable {
    let process = Process()
    private let scratch: URL

    init(_ tool: String, _ arguments: [String], stdinFile: String?, environment: [String: String], scratch: URL) throws {
        self.scratch = scratch
        process.executableURL = Tools.binDirectory.appendingPathComponent(tool)
        process.arguments = arguments
        process.environment = Tools.environment(environment)
        process.currentDirectoryURL = TestPaths.packageRoot
        _ = FileManager.default.createFile(atPath: scratch.appendingPathComponent("stdout").path, contents: nil)
        _ = FileManager.default.createFile(atPath: scratch.appendingPathComponent("stderr").path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: scratch.appendingPathComponent("stdout"))
        process.standardError = try FileHandle(forWritingTo: scratch.appendingPathComponent("stderr"))
        process.standardInput = try stdinFile.map { try FileHandle(forReadingFrom: URL(fileURLWithPath: $0)) } ?? Pipe()
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    func signal(_ signo: Int32) { kill(pid, signo) }

    /// Whether the tool has a handler for `signo` (`SigCgt` in /proc/PID/status): gt-apply's
    /// signal sources are listening once it has, so a test can signal it without a sleep.
    func isCatching(_ signo: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
              let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        return mask & (1 << UInt64(signo - 1)) != 0
    }

    /// Waits for the exit, at most `seconds` (then kills it and fails the test).
    func finish(within seconds: Double, file: StaticString = #filePath, line: UInt = #line) async throws -> Finished {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        if process.isRunning {
            kill(pid, SIGKILL)
            XCTFail("\(process.executableURL?.lastPathComponent ?? "tool") did not exit within \(seconds) s", file: file, line: line)
        }
        process.waitUntilExit()
        return Finished(status: process.terminationStatus,
                          stdout: try String(contentsOf: scratch.appendingPathComponent("stdout"), encoding: .utf8),
                          stderr: try String(contentsOf: scratch.appendingPathComponent("stderr"), encoding: .utf8))
    }
}

/// What a background tool did (`ToolResult`'s shape).
struct Finished {
    let status: Int32
    let stdout: String
    let stderr: String

    func records() throws -> [JSONValue] {
        try stdout.split(separator: "\n").map { try JSONValue(parsing: String($0)) }
    }
}
