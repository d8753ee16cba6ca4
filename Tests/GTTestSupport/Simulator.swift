import Foundation
import XCTest
import GTStreams
import GTGlitchTip
import GTCLI
import GTHTTP

/// The GlitchTip simulator (`Tests/Simulator/glitchtip_sim.py`) as a child process on a port of
/// its choosing, with its admin API. Stopped with SIGKILL: a child spawned from async code may
/// have SIGTERM blocked.
public final class Simulator: @unchecked Sendable {
    public let process: Process
    public let port: Int
    public let baseURL: String
    private let admin: HTTPTransport

    /// - Parameter tls: serve HTTPS with this CA's server certificate (`baseURL` is `https://`).
    public init(arguments: [String] = [], tls: TestCertificateAuthority? = nil) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let tlsArguments = tls.map { ["--tls-cert", $0.serverCertificate, "--tls-key", $0.serverKey] } ?? []
        process.arguments = ["python3", TestPaths.simulatorScript.path, "--port", "0"] + tlsArguments + arguments
        admin = HTTPTransport(maxConcurrent: 1,
                              trust: tls.map { TrustStore(environment: ["GT_CA_BUNDLE": $0.caFile]) } ?? .system)
        let stdout = Pipe()
        process.standardOutput = stdout
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let text = String(data: line, encoding: .utf8)?.split(separator: "\n").first, let port = Int(text) else {
            kill(process.processIdentifier, SIGKILL)
            throw SimulatorError(message: "simulator did not print its port")
        }
        self.port = port
        baseURL = "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)"
    }

    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    public struct SimulatorError: Error, CustomStringConvertible {
        public let message: String
        public init(message: String) { self.message = message }
        public var description: String { message }
    }

    @discardableResult
    public func admin(_ method: HTTPRequest.Method, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        var bytes: [UInt8]?
        if let body {
            var out: [UInt8] = []
            body.write(to: &out)
            bytes = out
        }
        let request = HTTPRequest(method: method, url: baseURL + path,
                                  headers: [("Content-Type", "application/json")], body: bytes)
        let response = try await admin.perform(request).get()
        guard (200..<300).contains(response.status) else {
            throw SimulatorError(message: "admin \(path): HTTP \(response.status) \(String(decoding: response.body, as: UTF8.self))")
        }
        return response.body.isEmpty ? .null : try JSONValue(parsing: response.body)
    }

    public func load(_ state: JSONValue) async throws { try await admin(.post, "/__admin/state", state) }
    public func faults(_ faults: [JSONValue]) async throws { try await admin(.post, "/__admin/faults", ["faults": .array(faults)]) }
    public func config(_ config: JSONValue) async throws { try await admin(.post, "/__admin/config", config) }
    public func clearRequests() async throws { try await admin(.post, "/__admin/requests/clear") }

    public struct RequestLog {
        public let requests: [JSONValue]
        public let peakInFlight: Int
        public let connections: Int
        /// The simulator's monotonic clock when it answered (the clock of each request's
        /// `received` and `answered`; Tests/Simulator/README.md).
        public let now: Double

        public func matching(_ method: String, _ pathPrefix: String = "") -> [JSONValue] {
            requests.filter {
                $0["method"]?.stringValue == method && ($0["path"]?.stringValue ?? "").hasPrefix(pathPrefix)
            }
        }
    }

    public func requestLog() async throws -> RequestLog {
        let log = try await admin(.get, "/__admin/requests")
        return RequestLog(requests: log["requests"]?.arrayValue ?? [],
                          peakInFlight: Int(log["peak_in_flight"]?.intValue ?? -1),
                          connections: Int(log["connections"]?.intValue ?? -1),
                          now: log["now"]?.number ?? .nan)
    }
}

/// A JSON number from the log (`start`, `end`, `received`, `answered` are floats).
extension JSONValue {
    public var number: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }
}

/// Builders for simulator state.
public enum SimState {
    public static func alert(_ name: String, quantity: Int64 = 1, timespan: Int64 = 1,
                      recipients: [(String, String)] = [("email", "")]) -> JSONValue {
        ["name": .string(name), "quantity": .int(quantity), "timespanMinutes": .int(timespan),
         "alertRecipients": .array(recipients.map { ["recipientType": .string($0.0), "url": .string($0.1)] })]
    }

    public static func project(_ name: String, alerts: [JSONValue] = []) -> JSONValue {
        ["name": .string(name), "slug": .string(name), "alerts": .array(alerts)]
    }

    public static func organization(_ name: String, slug: String? = nil, projects: [JSONValue]) -> JSONValue {
        ["name": .string(name), "slug": .string(slug ?? name.lowercased()), "projects": .array(projects)]
    }

    public static func state(_ organizations: [JSONValue], tokens: [String: [String]]? = nil) -> JSONValue {
        var s: [String: JSONValue] = ["organizations": .array(organizations)]
        if let tokens {
            s["tokens"] = .object(tokens.mapValues { .array($0.map { .string($0) }) })
        }
        return .object(s)
    }
}
