import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real forward proxy (Debian's `tinyproxy`, installed by scripts/test) on a free port of
/// 127.0.0.1, with its own configuration and log in `directory`. Stopped with SIGKILL, as the
/// simulator is, when the test ends.
public final class TinyProxy: @unchecked Sendable {
    public let port: Int
    public let logPath: String
    private let process = Process()

    /// - Parameter basicAuth: (user, password) the proxy demands (`407` without them).
    public init(in directory: URL, basicAuth: (String, String)? = nil) throws {
        port = try LoopbackPort.free()
        logPath = directory.appendingPathComponent("tinyproxy.log").path
        let config = directory.appendingPathComponent("tinyproxy.conf")
        var lines = ["Port \(port)", "Listen 127.0.0.1", "Timeout 60", "LogFile \"\(logPath)\"", "LogLevel Connect",
                     "MaxClients 100", "Allow 127.0.0.1"]
        if let (user, password) = basicAuth { lines.append("BasicAuth \(user) \(password)") }
        try (lines.joined(separator: "\n") + "\n").write(to: config, atomically: true, encoding: .utf8)
        guard let binary = ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"].first(where: FileManager.default.isExecutableFile)
        else { throw Simulator.SimulatorError(message: "tinyproxy is not installed (scripts/test installs tinyproxy-bin)") }
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-d", "-c", config.path]  // -d: stay in the foreground, a child of the test
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while !Self.accepts(port) {
            guard process.isRunning, Date() < deadline else {
                stop()
                throw Simulator.SimulatorError(message: "tinyproxy did not listen on 127.0.0.1:\(port)")
            }
            usleep(50_000)
        }
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// The request lines the proxy logged (`GET http://…`, `CONNECT 127.0.0.1:…`).
    public func requests() -> [String] {
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return log.split(separator: "\n").compactMap { line in
            line.range(of: "Request (file descriptor").map { _ in
                String(line[(line.range(of: "): ")?.upperBound ?? line.startIndex)...])
            }
        }
    }

    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    private static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
