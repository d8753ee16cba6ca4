import Foundation

/// A certificate authority made by the `openssl` command for one test, and a server certificate
/// it signed for 127.0.0.1: the simulator serves HTTPS with it (`Simulator(tls:)`). Keys live in
/// the test's scratch directory only; none is committed.
public struct TestCertificateAuthority: Sendable {
    /// The CA certificate, PEM.
    public let caFile: String
    /// An OpenSSL hashed directory holding only the CA certificate (`<hash>.0`).
    public let caDirectory: String
    public let serverCertificate: String
    public let serverKey: String

    public init(in directory: URL, name: String = "ca") throws {
        let dir = directory.path
        func openssl(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["openssl"] + arguments
            process.currentDirectoryURL = directory
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw Simulator.SimulatorError(message: "openssl \(arguments.joined(separator: " ")) failed")
            }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // P-256 keys: quick to make on a loaded machine.
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        _ = try openssl(["req", "-x509"] + key + ["-keyout", "\(name).key", "-out", "\(name).pem", "-days", "2",
                         "-subj", "/CN=gt test \(name)", "-addext", "basicConstraints=critical,CA:TRUE",
                         "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        _ = try openssl(["req"] + key + ["-keyout", "\(name)-server.key", "-out", "\(name)-server.csr",
                                         "-subj", "/CN=127.0.0.1"])
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
            .write(toFile: "\(dir)/\(name)-server.ext", atomically: true, encoding: .utf8)
        _ = try openssl(["x509", "-req", "-in", "\(name)-server.csr", "-CA", "\(name).pem", "-CAkey", "\(name).key",
                         "-CAcreateserial", "-out", "\(name)-server.pem", "-days", "2",
                         "-extfile", "\(name)-server.ext"])
        let hash = try openssl(["x509", "-hash", "-noout", "-in", "\(name).pem"])
        caFile = "\(dir)/\(name).pem"
        caDirectory = "\(dir)/\(name)-hashed"
        try FileManager.default.createDirectory(atPath: caDirectory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: caFile, toPath: "\(caDirectory)/\(hash).0")
        serverCertificate = "\(dir)/\(name)-server.pem"
        serverKey = "\(dir)/\(name)-server.key"
    }
}
