import ArgumentParser
import GTCommon

@main
struct GTApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gt-apply",
        abstract: "Apply planned actions to GlitchTip; dry run unless --no-dry-run (results stream).",
        version: GTVersion.current)

    func run() async throws {
        Diagnostics(tool: "gt-apply").error("not implemented yet")
        throw ExitCode.failure
    }
}
