import ArgumentParser
import GTCommon

@main
struct GTDiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gt-diff",
        abstract: "Compare desired and current alerts and plan actions (actions stream).",
        version: GTVersion.current)

    func run() async throws {
        Diagnostics(tool: "gt-diff").error("not implemented yet")
        throw ExitCode.failure
    }
}
