import ArgumentParser
import GTCommon

@main
struct GTCurrentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gt-current",
        abstract: "Fetch the live GlitchTip project alerts (current stream).",
        version: GTVersion.current)

    func run() async throws {
        Diagnostics(tool: "gt-current").error("not implemented yet")
        throw ExitCode.failure
    }
}
