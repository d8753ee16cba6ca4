import Foundation
@testable import AppInterface
import GTStreams
import GTTestSupport
import XCTest

/// The commands file: its text runs under `sh`, hands the vault CLI each argument exactly as
/// given, and refuses what the CLI would read otherwise (a file, stdin, a flag).
final class SecretsScriptTests: XCTestCase {
    /// Values a shell would mangle unquoted.
    let hostile = [
        "url": "https://hooks.example.com/T0/B0/planted secret?token=a'b\"c$HOME`id`$(id)\\n;|&*",
        "quote": "'", "quotes": "''", "dollar": "$", "backtick": "`", "spaces": "  two  spaces  ",
        "unicode": "ünïcødé ✓ 日本", "newline": "line1\nline2", "equals": "a=b=c", "dash-inside": "a-",
        "at-inside": "a@b", "empty": "",
    ]

    /// Runs `text` with a fake `vault` first on PATH that records its argv; the invocations.
    func run(_ text: String) throws -> (ToolResult, [[String]]) {
        let dir = scratchDirectory()
        let fake = dir.appendingPathComponent("vault")
        try "#!/bin/sh\n{ printf 'CALL\\0'; printf '%s\\0' \"$@\"; } >> \"$VAULT_ARGS\"\n".write(to: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        let script = dir.appendingPathComponent("secrets.sh")
        try text.write(to: script, atomically: true, encoding: .utf8)
        let args = dir.appendingPathComponent("args")
        let result = try Tools.run("/bin/sh", [script.path], environment: ["PATH": "\(dir.path):/usr/bin:/bin", "VAULT_ARGS": args.path])
        let recorded = (try? Data(contentsOf: args)) ?? Data()
        var calls: [[String]] = []
        for word in recorded.split(separator: 0, omittingEmptySubsequences: false).dropLast() {
            let text = String(decoding: word, as: UTF8.self)
            if text == "CALL" { calls.append([]) } else { calls[calls.count - 1].append(text) }
        }
        return (result, calls)
    }

    func testTheArgumentsArriveExactly() throws {
        let text = try SecretsScript.text([
            NewSecret(path: "secret/gt/prod/acme/api", fields: hostile),
            NewSecret(path: "secret/gt/prod/it's/$x y", fields: ["b": "2", "a": "1"]),
        ])
        let syntax = try Tools.run("/bin/sh", ["-n", "-c", text])
        XCTAssertEqual(syntax.status, 0, syntax.stderr)
        let (result, calls) = try run(text)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout + result.stderr, "")
        XCTAssertEqual(calls, [
            ["kv", "put", "-mount=secret", "-cas=0", "gt/prod/acme/api"]
                + hostile.keys.sorted(by: utf8Precedes).map { "\($0)=\(hostile[$0]!)" },
            ["kv", "put", "-mount=secret", "-cas=0", "gt/prod/it's/$x y", "a=1", "b=2"],
        ])
    }

    func testTheHeaderSaysWhatItIsAndStopsAtTheFirstFailure() throws {
        let text = try SecretsScript.text([NewSecret(path: "secret/b", fields: ["f": "v"]), NewSecret(path: "secret/a", fields: ["f": "w"])])
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines.first, "#!/bin/sh")
        XCTAssertTrue(lines.contains("set -eu"))
        XCTAssertTrue(text.contains("THIS FILE HOLDS SECRET VALUES"), text)
        XCTAssertTrue(text.contains("then delete it"), text)
        XCTAssertTrue(text.contains("-cas=0 Vault refuses a path"), text)
        XCTAssertTrue(text.contains("vault kv patch"), text)
        XCTAssertEqual(Array(lines.suffix(3)), ["vault kv put '-mount=secret' -cas=0 'a' 'f=w'", "vault kv put '-mount=secret' -cas=0 'b' 'f=v'", ""])
        // Under set -e a refused put stops the script.
        let failing = text.replacingOccurrences(of: "#!/bin/sh\n", with: "#!/bin/sh\nvault() { echo refused >&2; return 2; }\n")
        let result = try Tools.run("/bin/sh", ["-c", failing])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "refused\n")
    }

    /// One path given twice is one command with both fields; the same field with two values is
    /// refused.
    func testAPathGivenTwiceIsOneCommand() throws {
        let text = try SecretsScript.text([NewSecret(path: "secret/a", fields: ["f": "1"]), NewSecret(path: "secret/a", fields: ["g": "2", "f": "1"])])
        XCTAssertTrue(text.hasSuffix("\nvault kv put '-mount=secret' -cas=0 'a' 'f=1' 'g=2'\n"), text)
        XCTAssertThrowsError(try SecretsScript.text([NewSecret(path: "secret/a", fields: ["f": "planted-1"]),
                                                     NewSecret(path: "secret/a", fields: ["f": "planted-2"])])) { error in
            XCTAssertEqual("\(error)", "secret secret/a#f: given twice with different values")
        }
    }

    func testWhatTheVaultCLIWouldReadOtherwiseIsRefused() {
        let cases: [(NewSecret, String)] = [
            (NewSecret(path: "secret/a", fields: ["f": "@/etc/planted"]), "secret secret/a#f: the vault CLI would read this value"),
            (NewSecret(path: "secret/a", fields: ["f": "-"]), "secret secret/a#f: the vault CLI would read this value"),
            (NewSecret(path: "secret/a", fields: ["f=g": "planted"]), "secret secret/a#f=g: a field name with '='"),
            (NewSecret(path: "secret/a", fields: ["": "planted"]), "secret secret/a: a field name is empty"),
            (NewSecret(path: "secret/a", fields: ["f": "plan\u{0}ted"]), "secret secret/a#f: a NUL character"),
            (NewSecret(path: "secret", fields: ["f": "planted"]), "secret secret: a secret path needs a mount"),
            (NewSecret(path: "secret/-x", fields: ["f": "planted"]), "secret secret/-x: the path within the mount starts with '-'"),
            (NewSecret(path: "secret/../x", fields: ["f": "planted"]), "secret secret/../x: the path has an empty, '.' or '..' segment"),
            (NewSecret(path: "secret/a", fields: [:]), "secret secret/a: no field to add"),
        ]
        for (secret, expected) in cases {
            XCTAssertThrowsError(try SecretsScript.text([secret])) { error in
                XCTAssertTrue("\(error)".hasPrefix(expected), "\(error)")
                XCTAssertFalse("\(error)".contains("planted"), "\(error)")
            }
        }
    }
}
