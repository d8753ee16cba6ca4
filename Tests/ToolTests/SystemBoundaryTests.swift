import Foundation
import GTTestSupport
import XCTest

/// Where the sources meet C and the operating system (docs/architecture.md, "Layers" and
/// "System calls"): each C module is an implementation detail of the layer that imports it, a C
/// handle never leaves the Swift type that owns it, every system call goes through the
/// system-call layer, and the process environment is read by the commands alone.
final class SystemBoundaryTests: XCTestCase {
    private let root = TestPaths.packageRoot
    private static let cModules = ["CCurl", "CCurlShims", "CJansson", "CHiredis", "CLibCrypto", "CLibYAML", "CZlib"]

    /// Every Swift file under Sources, with its lines.
    private func sources(under folder: String = "Sources") throws -> [(path: String, lines: [Substring])] {
        let base = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
        return try walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted().map { path in
            let text = try String(contentsOf: base.appendingPathComponent(path), encoding: .utf8)
            return ("\(folder)/\(path)", text.split(separator: "\n", omittingEmptySubsequences: false))
        }
    }

    /// Lines that match `pattern`, outside comments, as `path:line: text`.
    private func matches(_ pattern: String, in files: [(path: String, lines: [Substring])]) throws -> [String] {
        let expression = try NSRegularExpression(pattern: pattern)
        var found: [String] = []
        for (path, lines) in files {
            for (number, line) in lines.enumerated() {
                if line.trimmingCharacters(in: .whitespaces).hasPrefix("//") { continue }
                let uncommented = String(line).components(separatedBy: " //").first ?? String(line)
                if expression.firstMatch(in: uncommented, range: NSRange(uncommented.startIndex..., in: uncommented)) != nil {
                    found.append("\(path):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        return found
    }

    /// `internal import`: no public declaration can show a C type, so a layer's C library stays
    /// its own and every other target sees only Swift types.
    func testCModulesAreImportedInternally() throws {
        let modules = Self.cModules.joined(separator: "|")
        let plain = try matches(#"^\s*(@\w+\s+)*(public\s+|package\s+)?import\s+("# + modules + #")\b"#, in: sources())
        XCTAssertEqual(plain, [], "a C module imported without `internal`:\n" + plain.joined(separator: "\n"))
    }

    /// A file that imports a C module calls it: the prefix of the module's names appears in it.
    func testEveryCImportIsUsed() throws {
        let prefixes = ["CCurl": "curl_|CURL", "CCurlShims": "gt_curl_", "CJansson": "json_|JSON_", "CHiredis": "redis|REDIS_",
                        "CLibCrypto": "EVP_|HMAC|RAND_|CRYPTO_", "CLibYAML": "yaml_|YAML_", "CZlib": "inflate|z_stream|Z_"]
        var unused: [String] = []
        for (path, lines) in try sources() {
            let text = lines.joined(separator: "\n")
            for (module, prefix) in prefixes where text.range(of: #"import\s+\#(module)\b"#, options: .regularExpression) != nil {
                let body = lines.filter { !$0.contains("import ") }.joined(separator: "\n")
                if body.range(of: prefix, options: .regularExpression) == nil { unused.append("\(path): \(module)") }
            }
        }
        XCTAssertEqual(unused, [], "imported and never called:\n" + unused.joined(separator: "\n"))
    }

    /// Every typed forwarder of `CCurlShims` has a caller; a forwarder nobody calls is dead C.
    func testEveryCurlShimHasACaller() throws {
        let header = try String(contentsOf: root.appendingPathComponent("Sources/GTCommon/C/CCurlShims/include/CCurlShims.h"),
                                encoding: .utf8)
        let declared = try NSRegularExpression(pattern: #"\b(gt_curl_\w+)\s*\("#)
            .matches(in: header, range: NSRange(header.startIndex..., in: header))
            .map { String(header[Range($0.range(at: 1), in: header)!]) }
        XCTAssertFalse(declared.isEmpty, "no forwarder found in CCurlShims.h")
        let swift = try sources().map { $0.lines.joined(separator: "\n") }.joined(separator: "\n")
        let uncalled = declared.filter { !swift.contains($0 + "(") }
        XCTAssertEqual(uncalled, [], "declared in CCurlShims.h and called nowhere")
    }

    /// A C handle (a pointer of any kind) is stored only privately, by the type that frees it,
    /// and lent to other code through a closure for the length of a call.
    func testNoCPointerIsStoredWhereOtherTypesCanReachIt() throws {
        let stored = try matches(
            #"^(    )?(public |internal |package |private\(set\) |fileprivate\(set\) |static |final |nonisolated\(unsafe\) )*(let|var) \w+\s*:[^=]*(Unsafe\w*Pointer|OpaquePointer)"#,
            in: sources())
        XCTAssertEqual(stored, [], "a C pointer stored without `private`:\n" + stored.joined(separator: "\n"))
    }

    /// Outside `Sources/GTCommon/GTStreams/System/` no code calls the C library's file, terminal,
    /// signal or environment functions, nor Foundation's file reads: each has one wrapper there,
    /// which retries `EINTR` and throws a typed `Errno`.
    func testSystemCallsGoThroughTheSystemCallLayer() throws {
        // `open`, `read`, `write`, `close` and `stat` only when qualified: Swift code has methods of those names.
        let calls = [
            "pread", "pwrite", "fstat", "lstat", "unlink", "rename", "mkdir", "rmdir", "readlink", "opendir", "readdir",
            "closedir", "flock", "ftruncate", "fsync", "fcntl", "fchmod", "chmod", "mkstemp", "fopen", "fdopen", "fread",
            "fwrite", "fclose", "fflush", "rewind", "tmpfile", "isatty", "signal", "sigaction", "sigprocmask",
            "pthread_sigmask", "getenv", "setenv", "unsetenv",
        ].joined(separator: "|")
        let pattern = #"(?<![\w.])("# + calls + #")\(|\bGlibc\.\w+\(|contentsOfFile|Data\(contentsOf|FileManager"#
        let system = "Sources/GTCommon/GTStreams/System/"
        let found = try matches(pattern, in: sources().filter { !$0.path.hasPrefix(system) }).filter { !$0.contains("func ") }
        XCTAssertEqual(found, [], "a system call outside the system-call layer:\n" + found.joined(separator: "\n"))
    }

    /// The process environment is read one way: each command reads `Environment.current` once
    /// and passes the dictionary down; no library reads it on its own (`getenv`, `environ`,
    /// Foundation's `ProcessInfo`).
    func testTheEnvironmentIsReadOnceByEachCommand() throws {
        let files = try sources()
        let elsewhere = try matches(#"ProcessInfo|\bgetenv\(|\benviron\b"#, in: files)
            .filter { !$0.hasPrefix("Sources/GTCommon/GTStreams/IO/Environment.swift:") }
        XCTAssertEqual(elsewhere, [], "the environment read another way:\n" + elsewhere.joined(separator: "\n"))
        let reads = try matches(#"Environment\.current"#, in: files)
        let inLibraries = reads.filter { $0.hasPrefix("Sources/GTCommon/") }
        XCTAssertEqual(inLibraries, [], "a library reads the process environment itself")
        for tool in ["gt-desired", "gt-current", "gt-diff", "gt-apply"] {
            XCTAssertEqual(reads.filter { $0.hasPrefix("Sources/\(tool)/") }.count, 1, "\(tool): \(reads)")
        }
    }
}
