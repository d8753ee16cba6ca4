/// One-line messages on stderr, prefixed with the tool's name (`gt-diff: error: …`).
public struct Diagnostics: Sendable {
    public let tool: String
    public init(tool: String) { self.tool = tool }

    public func error(_ message: String) { emit("error", message) }
    public func warning(_ message: String) { emit("warning", message) }

    private func emit(_ level: String, _ message: String) {
        let line = "\(tool): \(level): \(message)\n"
        try? SystemCall.writeAll(2, line)  // nowhere left to report a failure
    }
}
