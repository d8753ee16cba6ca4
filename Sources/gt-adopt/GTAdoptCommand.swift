import AdoptCore
import AppInterface
import AppInterfaceCLI
import ArgumentParser
import DesiredCore
import GTCLI
import GTHTTP
import GTStreams

@main
struct GTAdoptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gt-adopt",
        abstract: "Write alerts made in the GlitchTip UI into App-Interface instead of deleting them.",
        discussion: """
            Reads a current stream (gt-current's; FILE, or stdin) and App-Interface, finds for every \
            managed project the live alerts App-Interface does not declare, and writes them as \
            datafile entries by gt-desired's rules: a unified diff for git apply (--format patch), \
            the entries alone (--format yaml), or the files changed in place (--write). Alerts \
            App-Interface would refuse are left out with the reason. A webhook URL that carries a \
            credential becomes a urlSecret under --secret-path; its value goes to a new 0600 file of \
            vault kv put commands (--secrets-out), or to Vault with --vault-write, never to the \
            datafile or the output. Projects without a datafile (gt-current --all-projects) are \
            listed, and get a new datafile each with --new-projects DIR.
            """,
        version: GTVersion.current)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case patch, yaml
    }

    @OptionGroup(title: "App-Interface")
    var appInterface: AppInterfaceOptions

    @Argument(help: ArgumentHelp("The current stream (gt-current's); - for stdin.", valueName: "current"))
    var current: String = "-"

    @Option(help: ArgumentHelp("patch (a unified diff of the datafiles) or yaml (the alerts: entries per datafile).", valueName: "format"))
    var format: Format = .patch

    @Flag(help: "Change the datafiles in place (needs --data) instead of printing.")
    var write = false

    @Option(help: ArgumentHelp("Vault path prefix for webhook URLs that carry a credential: PREFIX/<instance>/<organization>/<project>.",
                               valueName: "prefix"))
    var secretPath: String?

    @Option(help: ArgumentHelp("The new 0600 file of vault kv put commands for those URLs (default: gt-adopt-secrets-<time>.sh here).",
                               valueName: "file"))
    var secretsOut: String?

    @Flag(help: "Write those URLs into Vault (KV v2, VAULT_ADDR) instead, never overwriting a field.")
    var vaultWrite = false

    @Option(help: ArgumentHelp("Write a new datafile, with placeholders, for each GlitchTip project App-Interface does not have.",
                               valueName: "dir"))
    var newProjects: String?

    func validate() throws {
        if vaultWrite && secretsOut != nil { throw ValidationError("--vault-write and --secrets-out exclude each other") }
        if write && format == .yaml { throw ValidationError("--write changes the datafiles; --format yaml only prints entries") }
        if let prefix = secretPath, !AdoptionSettings.isPlainVaultPath(AdoptionSettings(secretPath: prefix, adoptedOn: "").secretPath ?? "") {
            throw ValidationError("--secret-path needs a Vault mount and a path within it, of letters, digits, -, _ and . "
                + "(e.g. app-sre/gt-adopted), got '\(prefix)'")
        }
    }

    func run() async throws {
        let environment = Environment.current
        let diagnostics = Diagnostics(tool: "gt-adopt")
        let settings = AdoptionSettings(secretPath: secretPath, adoptedOn: AdoptionDate.today(environment: environment))
        let http = HTTPClient(transport: HTTPTransport(maxConcurrent: 4, environment: environment), retry: RetryPolicy(maxRetries: 3))
        let secrets = SecretSupply(open: { try SecretResolver.fromEnvironment(environment, http: http) })
        do {
            let source = try appInterface.source(environment: environment)
            if case .dataDirectory = source {} else if format == .patch || write {
                throw AdoptError("--format patch and --write edit the datafiles' text, which only --data gives: "
                    + "give --data DIR, or --format yaml to print the entries")
            }
            let currentProjects = try CurrentProjects(path: current)
            let catalog = try await source.open(http: http)
            let fleet = try await FleetAdoption(catalog: catalog, current: currentProjects, instanceFilter: appInterface.instance,
                                                secrets: secrets, settings: settings)
            await secrets.shutdown()
            let output = AdoptionOutput(fleet: fleet, format: format, write: write, newProjects: newProjects, diagnostics: diagnostics)
            // Texts first, so a datafile that cannot be edited stops the run before any secret is written.
            let edits = try output.edits()
            let newFiles = try output.newDatafiles()
            let toWrite = fleet.secrets(includingNewProjects: newProjects != nil)
            if !toWrite.isEmpty {
                try await AdoptedSecrets(secrets: toWrite, vault: vaultWrite, file: secretsOut, environment: environment, http: http)
                    .store(diagnostics: diagnostics)
            }
            try output.emit(edits: edits, newFiles: newFiles)
            output.report()
        } catch {
            await secrets.shutdown()
            await http.transport.shutdown()
            diagnostics.error("\(error)")
            throw ExitCode.failure
        }
        await http.transport.shutdown()
    }
}
