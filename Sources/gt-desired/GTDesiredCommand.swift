import ArgumentParser
import GTCommon

@main
struct GTDesiredCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gt-desired",
        abstract: "Build the desired GlitchTip project alerts from App-Interface (desired stream).",
        version: GTVersion.current)

    func run() async throws {
        Diagnostics(tool: "gt-desired").error("not implemented yet")
        throw ExitCode.failure
    }
}
