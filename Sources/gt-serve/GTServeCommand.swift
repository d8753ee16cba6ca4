import ArgumentParser
import GTStreams

@main
struct GTServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gt-serve",
        abstract: "Serve qontract-api's glitchtip-project-alerts reconcile task API over gt's pipeline cores.",
        discussion: """
            Each task runs in process as gt-desired | gt-diff <(gt-current) | gt-apply would: the desired \
            state from the request body, then the current state, the plan and (dry_run false) the apply, \
            with the pipeline's rules, locks and messages. Needs QAPI_JWT_SECRET_KEY (at least 32 bytes; \
            no default). `gt-serve serve` (the default) runs the server; `gt-serve token` mints a token.
            """,
        version: GTVersion.current,
        subcommands: [ServeCommand.self, TokenCommand.self],
        defaultSubcommand: ServeCommand.self)
}

/// Writes `text` to stderr: there is nowhere left to report a failure to write it.
func say(_ text: String) {
    try? SystemCall.writeAll(2, text)
}
