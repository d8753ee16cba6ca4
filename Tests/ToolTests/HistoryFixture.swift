import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// Hand-written streams for gt-diff's deletes of alerts no earlier desired state declared
/// (docs/rules.md, "Deletes of alerts no desired state declared"), and its `--history` file.
struct HistoryFixture {
    let directory: URL
    var history: String { directory.appendingPathComponent("declared-alerts.ndjson").path }

    init(_ test: XCTestCase) {
        directory = test.scratchDirectory()
    }

    static let instance = #"{"console_url":"https://glitchtip.example.com","kind":"instance","max_retries":3,"name":"gt","read_timeout":30,"token":{"field":"token","format":"plain","path":"gt/creds"}}"#

    static func header(_ stream: String) -> String { #"{"generator":"test","kind":"header","stream":"\#(stream)","version":1}"# }
    static func end(_ stream: String) -> String { #"{"complete":true,"errors":0,"kind":"end","records":1,"stats":{},"stream":"\#(stream)"}"# }

    static func alert(_ name: String, pk: Int? = nil) -> String {
        let pkField = pk.map { #","pk":\#($0)"# } ?? ""
        return #"{"name":"\#(name)"\#(pkField),"quantity":1,"recipients":[{"recipient_type":"email","url":""}],"timespan_minutes":1}"#
    }

    static func project(_ name: String, _ alerts: [String], current: Bool) -> String {
        let slug = current ? #","organization_slug":"nasa""# : ""
        return #"{"alerts":[\#(alerts.joined(separator: ","))],"instance":"gt","kind":"project","name":"\#(name)","organization":"nasa"\#(slug),"project":"\#(name)"}"#
    }

    /// Writes the two streams: `desired` and `current` map project slugs (sorted here) to their
    /// alerts, current ones as (name, pk).
    func streams(_ tag: String = "", desired: [String: [String]], current: [String: [(String, Int)]]) throws -> (String, String) {
        let desiredPath = directory.appendingPathComponent("desired\(tag).ndjson").path
        let currentPath = directory.appendingPathComponent("current\(tag).ndjson").path
        let wanted = desired.keys.sorted().map { Self.project($0, desired[$0]!.map { Self.alert($0) }, current: false) }
        let live = current.keys.sorted().map { Self.project($0, current[$0]!.map { Self.alert($0.0, pk: $0.1) }, current: true) }
        try ([Self.header("desired"), Self.instance] + wanted + [Self.end("desired")]).joined(separator: "\n")
            .appending("\n").write(toFile: desiredPath, atomically: true, encoding: .utf8)
        try ([Self.header("current")] + live + [Self.end("current")]).joined(separator: "\n")
            .appending("\n").write(toFile: currentPath, atomically: true, encoding: .utf8)
        return (desiredPath, currentPath)
    }

    /// gt-diff over the streams, with `arguments` before them.
    func diff(_ paths: (String, String), _ arguments: [String] = []) throws -> ToolResult {
        try Tools.run("gt-diff", arguments + ["--desired", paths.0, paths.1])
    }

    /// A history file as gt-diff writes it, of `alerts` (project, name), which must be sorted.
    static func historyText(_ alerts: [(String, String)]) -> String {
        ([#"{"format":"gt-declared-alerts","kind":"header","version":1}"#]
            + alerts.map { #"{"alert":"\#($0.1)","instance":"gt","kind":"alert","organization":"nasa","project":"\#($0.0)"}"# }
            + [#"{"alerts":\#(alerts.count),"kind":"end"}"#]).joined(separator: "\n") + "\n"
    }

    /// The (project, name) pairs of the history file.
    func historyAlerts() throws -> [String] {
        try String(contentsOfFile: history, encoding: .utf8).split(separator: "\n").compactMap { line in
            let record = try JSONValue(parsing: String(line))
            guard record["kind"] == "alert" else { return nil }
            return "\(record["project"]?.stringValue ?? "")/\(record["alert"]?.stringValue ?? "")"
        }
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }
}
