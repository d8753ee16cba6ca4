#if canImport(Glibc)
import Glibc
#endif
import GTStreams

/// The certificate authorities a connection trusts (README, "Behind a company network").
///
/// The first variable of the order that is set wins; a pair on one line of it (a file and a
/// hashed directory) is used together:
///
/// | GlitchTip, qontract-server          | Vault                               |
/// | ----------------------------------- | ----------------------------------- |
/// |                                     | `VAULT_CACERT`, `VAULT_CAPATH`      |
/// | `GT_CA_BUNDLE`, `GT_CA_PATH`        | `GT_CA_BUNDLE`, `GT_CA_PATH`        |
/// | `SSL_CERT_FILE`, `SSL_CERT_DIR`     | `SSL_CERT_FILE`, `SSL_CERT_DIR`     |
/// | `CURL_CA_BUNDLE`                    | `CURL_CA_BUNDLE`                    |
/// | `REQUESTS_CA_BUNDLE` (file or dir)  | `REQUESTS_CA_BUNDLE` (file or dir)  |
/// | the system store (libcurl's)        | the system store (libcurl's)        |
///
/// Verification itself is never turned off. A named file or directory that cannot be used is
/// not skipped for the next one: every connection fails with ``problem``, which names the
/// variable, so a typo cannot silently fall back to another set of CAs.
public struct TrustStore: Sendable, Equatable, CustomStringConvertible {
    public enum Service: Sendable {
        /// GlitchTip and qontract-server.
        case glitchTip
        /// Vault: its own variables come first, as in Vault's CLI.
        case vault
    }

    /// A PEM bundle for `CURLOPT_CAINFO`; nil leaves libcurl's default.
    public let caFile: String?
    /// An OpenSSL hashed directory (`openssl rehash`) for `CURLOPT_CAPATH`.
    public let caDirectory: String?
    /// The variables that chose the CAs (`GT_CA_BUNDLE=/etc/ca.pem`); nil for the system store.
    public let origin: String?
    /// Why the named CAs cannot be used; set, every connection fails with it.
    public let problem: String?
    let service: Service

    /// libcurl's default trust (the system store).
    public static let system = TrustStore(caFile: nil, caDirectory: nil, origin: nil, problem: nil, service: .glitchTip)

    /// One line of the order: a file variable and a directory variable.
    private struct Source {
        var file: String?
        var directory: String?
        /// python-requests takes a directory in its bundle variable too.
        var fileMayBeDirectory = false
    }

    private static let common: [Source] = [
        Source(file: "GT_CA_BUNDLE", directory: "GT_CA_PATH"),
        Source(file: "SSL_CERT_FILE", directory: "SSL_CERT_DIR"),
        Source(file: "CURL_CA_BUNDLE"),
        Source(file: "REQUESTS_CA_BUNDLE", fileMayBeDirectory: true),
    ]

    /// The variables `service` honours, in order (README lists the same).
    public static func variables(for service: Service) -> [String] {
        order(service).flatMap { [$0.file, $0.directory].compactMap { $0 } }
    }

    private static func order(_ service: Service) -> [Source] {
        switch service {
        case .glitchTip: common
        case .vault: [Source(file: "VAULT_CACERT", directory: "VAULT_CAPATH")] + common
        }
    }

    /// The trust `environment` sets for `service`; an empty variable counts as unset.
    public init(environment: [String: String], for service: Service = .glitchTip) {
        func value(_ name: String?) -> String? {
            guard let name, let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        for source in Self.order(service) {
            var file = value(source.file)
            var directory = value(source.directory)
            guard file != nil || directory != nil else { continue }
            let origin = [source.file.map { ($0, file) }, source.directory.map { ($0, directory) }]
                .compactMap { $0 }.compactMap { name, value in value.map { "\(name)=\($0)" } }
                .joined(separator: ", ")
            if source.fileMayBeDirectory, let path = file, Self.isDirectory(path) {
                (file, directory) = (nil, path)
            }
            var problems: [String] = []
            if let file, let problem = Self.checkBundle(file) { problems.append("\(source.file!)=\(file): \(problem)") }
            if let directory, let problem = Self.checkDirectory(directory) {
                problems.append("\(source.directory ?? source.file!)=\(directory): \(problem)")
            }
            self.init(caFile: file, caDirectory: directory, origin: origin,
                      problem: problems.isEmpty ? nil : "cannot use the CA certificates of "
                          + problems.joined(separator: "; ") + " (gt never turns certificate verification off)",
                      service: service)
            return
        }
        self.init(caFile: nil, caDirectory: nil, origin: nil, problem: nil, service: service)
    }

    private init(caFile: String?, caDirectory: String?, origin: String?, problem: String?, service: Service) {
        self.caFile = caFile
        self.caDirectory = caDirectory
        self.origin = origin
        self.problem = problem
        self.service = service
    }

    public var description: String { origin ?? "the system's CA store" }

    /// What to add to a TLS verification failure (libcurl's codes 60 and 77): which CAs were
    /// trusted, and how to trust a private one.
    func hint(curlCode: Int) -> String? {
        guard curlCode == 60 || curlCode == 77 else { return nil }
        if let origin { return "the certificate was checked against \(origin)" }
        let variable = service == .vault ? "VAULT_CACERT or GT_CA_BUNDLE" : "GT_CA_BUNDLE"
        return "the certificate was checked against the system's CA store; to trust a private CA set \(variable) "
            + "(README, \"Behind a company network\")"
    }

    // MARK: checks (the messages name the path, never its contents)

    private static func isDirectory(_ path: String) -> Bool {
        (try? SystemCall.fileStatus(path: path)).map { $0.st_mode & S_IFMT == S_IFDIR } ?? false
    }

    /// Nil when `path` is a readable file holding at least one PEM certificate.
    private static func checkBundle(_ path: String) -> String? {
        if isDirectory(path) { return "is a directory, not a PEM file" }
        var text: [UInt8] = []
        do throws(Errno) {
            let fd = try SystemCall.open(path, O_RDONLY | O_CLOEXEC)
            defer { SystemCall.close(fd) }
            var chunk = [UInt8](repeating: 0, count: 65536)
            while text.count < 64 << 20 {
                let n = try SystemCall.read(fd, into: &chunk)
                if n == 0 { break }
                text += chunk[0..<n]
            }
        } catch {
            return "cannot be read: \(error)"
        }
        let pem = String(decoding: text, as: UTF8.self)
        guard pem.contains("-----BEGIN CERTIFICATE-----") || pem.contains("-----BEGIN TRUSTED CERTIFICATE-----") else {
            return "holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        }
        return nil
    }

    /// Nil when `path` is a readable directory with at least one hashed name (`1a2b3c4d.0`):
    /// OpenSSL looks certificates up by those names only.
    private static func checkDirectory(_ path: String) -> String? {
        let info: stat
        do throws(Errno) { info = try SystemCall.fileStatus(path: path) } catch { return "cannot be read: \(error)" }
        guard info.st_mode & S_IFMT == S_IFDIR else { return "is not a directory" }
        let names: [String]
        do throws(Errno) { names = try DirectoryListing.entries(path).map(\.name) } catch { return "cannot be read: \(error)" }
        if names.contains(where: isHashedName) { return nil }
        return "holds no hashed certificate names (like 1a2b3c4d.0); run `openssl rehash \(path)`"
    }

    /// `1a2b3c4d.0`: eight hex digits, a dot, a number (`openssl rehash` names certificates so).
    static func isHashedName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 8, !parts[1].isEmpty else { return false }
        return parts[0].allSatisfy(\.isHexDigit) && parts[1].allSatisfy(\.isNumber)
    }
}
