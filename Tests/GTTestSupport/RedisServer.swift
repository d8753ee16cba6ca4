import Foundation
import GTStreams
import GTGlitchTip
import GTCLI
import GTCache

/// A private `redis-server` (Debian `redis-server`; scripts/test installs it): on a free port of
/// 127.0.0.1, and on a unix socket when asked, no persistence, optionally with `requirepass`.
/// Stopped with SIGKILL (as the simulator: a child of async code may have SIGTERM blocked).
/// `configuration` is passed on as given, e.g. `["--rename-command", "EVAL", ""]` for a server
/// without scripting.
public final class RedisServer: @unchecked Sendable {
    public let process: Process
    public let port: Int
    public let password: String?
    public let socketPath: String?
    private let directory: URL

    /// `redis://[:password@]127.0.0.1:<port>/<db>`.
    public func url(database: Int = 0) -> String {
        "redis://\(password.map { ":\($0)@" } ?? "")127.0.0.1:\(port)/\(database)"
    }

    public init(in directory: URL, password: String? = nil, unixSocket: Bool = false, configuration: [String] = []) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-server") else {
            throw Simulator.SimulatorError(message: "redis-server is not installed (apt-get install redis-server; scripts/test does)")
        }
        self.directory = directory
        self.password = password
        socketPath = unixSocket ? directory.appendingPathComponent("redis.sock").path : nil
        var lastError = ""
        for _ in 0..<5 {
            let port = try LoopbackPort.free()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
            var arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", directory.path, "--daemonize", "no", "--loglevel", "warning"]
            if let password { arguments += ["--requirepass", password] }
            if let socketPath { arguments += ["--unixsocket", socketPath, "--unixsocketperm", "700"] }
            arguments += configuration
            process.arguments = arguments
            let log = directory.appendingPathComponent("redis-\(port).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: log)
            process.standardError = process.standardOutput
            try process.run()
            if Self.waitReady(port: port, password: password, process: process) {
                self.process = process
                self.port = port
                return
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            lastError = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        throw Simulator.SimulatorError(message: "redis-server did not start: \(lastError)")
    }

    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    /// `redis-cli` against this server; its stdout.
    @discardableResult
    public func cli(_ arguments: [String], database: Int = 0) throws -> String {
        var base = ["-h", "127.0.0.1", "-p", String(port), "-n", String(database)]
        if let password { base += ["-a", password, "--no-auth-warning"] }
        let result = try Tools.run("/usr/bin/redis-cli", base + arguments)
        return result.stdout
    }

    /// Every key of `database` (`redis-cli --scan`), sorted.
    public func keys(database: Int = 0) throws -> [String] {
        try cli(["--scan"], database: database).split(separator: "\n").map(String.init).sorted()
    }

    /// The raw bytes stored under `key` (through hiredis: redis-cli would escape them).
    public func value(_ key: String, database: Int = 0) throws -> [UInt8]? {
        let client = RedisClient(url: try RedisURL(parsing: url(database: database)))
        return try client.command(["GET", key]).bytes
    }

    private static func waitReady(port: Int, password: String?, process: Process) -> Bool {
        let url = RedisURL(endpoint: .tcp(host: "127.0.0.1", port: port), password: password)
        for _ in 0..<200 {
            if !process.isRunning { return false }
            if (try? RedisClient(url: url, timeout: 1).ping()) != nil { return true }
            usleep(50_000)
        }
        return false
    }
}
