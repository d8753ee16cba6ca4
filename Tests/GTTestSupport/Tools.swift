import Foundation
import GTStreams
import GTGlitchTip

/// What a run of one of the built tools did.
public struct ToolResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// Ended by a signal (a trap, SIGILL or SIGTRAP, shows here), `status` then being its number.
    public var signalled = false

    /// The stdout lines, parsed (a stream).
    public func records() throws -> [JSONValue] {
        try stdout.split(separator: "\n").map { try JSONValue(parsing: String($0)) }
    }

    /// The body records of the stream on stdout, without header and trailer.
    public func body() throws -> [JSONValue] {
        try records().filter { !["header", "end"].contains($0["kind"]?.stringValue ?? "") }
    }

    public func trailer() throws -> JSONValue? { try records().last.flatMap { $0["kind"] == "end" ? $0 : nil } }
}

/// Runs the tools built next to the test bundle (`swift build` puts them there), or in
/// `GT_BIN_DIR`. Output goes through files, so a large stream cannot fill a pipe and stall.
public enum Tools {
    /// The six programs gt installs: the pipeline's four, gt-serve and gt-adopt (scripts/install, scripts/gen-share).
    public static let programs = ["gt-desired", "gt-current", "gt-diff", "gt-apply", "gt-serve", "gt-adopt"]

    public static var binDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["GT_BIN_DIR"] { return URL(fileURLWithPath: dir) }
        return URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// CA and proxy settings of the developer's or the CI's: a test that wants one sets it.
    public static let networkVariables: Set<String> = [
        "SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE",
        "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY",
    ]

    /// The environment a tool sees: this process's, without any gt, Vault, cache, CA or proxy
    /// settings of the developer's, plus `environment`.
    public static func environment(_ extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { key, _ in
            !(key.hasPrefix("GT_") && key != "GT_BIN_DIR") && !key.hasPrefix("VAULT_") && !key.hasPrefix("QAPI_")
                && key != "NO_COLOR" && !networkVariables.contains(key)
        }
        env.merge(extra) { _, new in new }
        return env
    }

    public static func run(_ tool: String, _ arguments: [String] = [], stdin: String? = nil,
                           environment extra: [String: String] = [:]) throws -> ToolResult {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gt-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)

        let process = Process()
        process.executableURL = tool.hasPrefix("/") ? URL(fileURLWithPath: tool) : binDirectory.appendingPathComponent(tool)
        process.arguments = arguments
        process.environment = environment(extra)
        process.currentDirectoryURL = TestPaths.packageRoot
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let inURL = scratch.appendingPathComponent("stdin")
            try stdin.write(to: inURL, atomically: true, encoding: .utf8)
            process.standardInput = try FileHandle(forReadingFrom: inURL)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        let stdout = try String(contentsOf: outURL, encoding: .utf8)
        saveStream(stdout)
        var result = ToolResult(status: process.terminationStatus, stdout: stdout,
                                stderr: try String(contentsOf: errURL, encoding: .utf8))
        result.signalled = process.terminationReason == .uncaughtSignal
        return result
    }

    /// With `GT_TEST_STREAMS_DIR` set (scripts/test sets it), every stream a test's tool run
    /// writes on stdout is kept there, and scripts/test checks them all against
    /// docs/streams.schema.json.
    private static func saveStream(_ stdout: String) {
        guard let directory = ProcessInfo.processInfo.environment["GT_TEST_STREAMS_DIR"], !directory.isEmpty,
              stdout.hasPrefix(#"{"generator":"#) else { return }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try? stdout.write(toFile: "\(directory)/\(UUID().uuidString).ndjson", atomically: true, encoding: .utf8)
    }

    /// Runs a shell pipeline (bash, `set -o pipefail`) with the tools on PATH.
    public static func shell(_ script: String, environment extra: [String: String] = [:]) throws -> ToolResult {
        var env = extra
        env["PATH"] = binDirectory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return try run("/bin/bash", ["-o", "pipefail", "-c", script], environment: env)
    }
}
