import AppInterface
import AppInterfaceCLI
import ArgumentParser
import DesiredCore
import GTStreams
import GTCLI
import GTHTTP

@main
struct GTDesiredCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gt-desired",
        abstract: "Build the desired GlitchTip project alerts from App-Interface (desired stream).",
        discussion: """
            Reads App-Interface from a data directory, a qontract bundle or qontract-server, resolves \
            webhook secrets through Vault (VAULT_ADDR with VAULT_TOKEN or VAULT_ROLE_ID/VAULT_SECRET_ID) \
            or GT_SECRETS_FILE, validates every alert, and writes the desired stream to stdout. On any \
            error stdout gets only the header and an incomplete trailer (no record), and the exit status is 1.
            """,
        version: GTVersion.current)

    @OptionGroup(title: "App-Interface")
    var appInterface: AppInterfaceOptions

    func run() async throws {
        let started = ContinuousClock.now
        let environment = Environment.current
        let diagnostics = Diagnostics(tool: "gt-desired")
        let source = try appInterface.source(environment: environment)
        let stdout = FileOutput.standardOutput()
        let writer = StreamWriter(stream: .desired, generator: "gt-desired \(GTVersion.current)", output: stdout)
        let http = HTTPClient(transport: HTTPTransport(maxConcurrent: 4, environment: environment), retry: RetryPolicy(maxRetries: 3))

        var errors: [String] = []
        var built: DesiredStream.Built?
        let secrets = SecretSupply(open: { try SecretResolver.fromEnvironment(environment, http: http) })
        do {
            let catalog = try await source.open(http: http)
            switch await DesiredStream(catalog: catalog, instanceFilter: appInterface.instance, secrets: secrets,
                                       spillDirectory: SystemCall.temporaryDirectory(environment: environment)).build() {
            case .success(let output): built = output
            case .failure(let failure): errors = failure.messages
            }
        } catch {
            errors.append("\(error)")
        }
        await secrets.shutdown()
        await http.transport.shutdown()
        let stats: [String: JSONValue] = [
            "requests": .int(Int64(http.counters.requests)), "retries": .int(Int64(http.counters.retries)),
            "elapsed_ms": .int(Int64((ContinuousClock.now - started).milliseconds)),
        ]
        guard errors.isEmpty else {
            errors.forEach(diagnostics.error)
            writer.finish(complete: false, stats: stats)
            throw ExitCode.failure
        }
        if let built {
            built.instances.forEach { writer.write($0.json) }
            built.projects.drain(writer.write)
        }
        writer.finish(stats: stats)
        do { try stdout.finish() } catch {
            diagnostics.error("\(error)")
            throw ExitCode.failure
        }
    }
}
