import AppInterface
import ArgumentParser
import DesiredCore
import Foundation
import GTStreams
import GTGlitchTip
import GTCLI

@main
struct GTDesiredCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gt-desired",
        abstract: "Build the desired GlitchTip project alerts from App-Interface (desired stream).",
        discussion: """
            Reads App-Interface from a data directory, a qontract bundle or qontract-server, resolves \
            webhook secrets through Vault (VAULT_ADDR with VAULT_TOKEN or VAULT_ROLE_ID/VAULT_SECRET_ID) \
            or GT_SECRETS_FILE, validates every alert, and writes the desired stream to stdout. On any \
            error nothing but an incomplete trailer is written and the exit status is 1.
            """,
        version: GTVersion.current)

    @OptionGroup(title: "App-Interface")
    var appInterface: AppInterfaceOptions

    func run() async throws {
        let started = ContinuousClock.now
        let environment = ProcessInfo.processInfo.environment
        let diagnostics = Diagnostics(tool: "gt-desired")
        let source = try appInterface.source(environment: environment)
        let stdout = FileOutput.standardOutput()
        let writer = StreamWriter(stream: .desired, generator: "gt-desired \(GTVersion.current)", output: stdout)
        let http = HTTPClient(transport: HTTPTransport(maxConcurrent: 4), retry: RetryPolicy(maxRetries: 3))

        var errors: [String] = []
        do {
            let model = try await source.open(http: http).model()
            let secrets = try await resolveSecrets(
                DesiredStateBuilder(model: model, secrets: [:], instanceFilter: appInterface.instance).neededSecrets,
                environment: environment, http: http, errors: &errors)
            if errors.isEmpty {
                switch DesiredStateBuilder(model: model, secrets: secrets, instanceFilter: appInterface.instance).build() {
                case .success(let output):
                    output.instances.forEach { writer.write($0.json) }
                    output.projects.forEach { writer.write($0.json) }
                case .failure(let failure):
                    errors += failure.errors.map(\.description)
                }
            }
        } catch {
            errors.append("\(error)")
        }
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
        writer.finish(stats: stats)
        do { try stdout.finish() } catch {
            diagnostics.error("\(error)")
            throw ExitCode.failure
        }
    }

    /// Reads every needed secret, collecting each failure (by path and field, never a value).
    private func resolveSecrets(_ refs: [SecretRef], environment: [String: String], http: HTTPClient,
                                errors: inout [String]) async throws -> [SecretRef: String] {
        guard !refs.isEmpty else { return [:] }
        guard let resolver = try SecretResolver.fromEnvironment(environment, http: http) else {
            errors.append("secrets are needed (\(refs.map(\.description).joined(separator: ", "))) but no secret store is set: "
                + "set VAULT_ADDR (with VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID) or GT_SECRETS_FILE")
            return [:]
        }
        var values: [SecretRef: String] = [:]
        for ref in refs {
            do { values[ref] = try await resolver.value(of: ref) } catch { errors.append("\(error)") }
        }
        await resolver.shutdown()  // Vault's transport, on every path (docs/architecture.md, "Transport lifecycle")
        return values
    }
}
