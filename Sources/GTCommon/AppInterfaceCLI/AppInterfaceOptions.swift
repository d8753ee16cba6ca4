import AppInterface
import ArgumentParser

/// Where App-Interface comes from, on the command line: `--data DIR` / `GT_DATA_DIR`,
/// `--bundle FILE`, or `--graphql URL` / `GT_GRAPHQL_URL` (with `GT_GRAPHQL_TOKEN`), and
/// `--instance`. Shared by gt-desired, gt-current and gt-apply; kept out of the AppInterface
/// library so that library has no command-line types.
public struct AppInterfaceOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("data"), help: ArgumentHelp("An App-Interface data directory of YAML datafiles (env GT_DATA_DIR).", valueName: "dir"))
    public var dataDirectory: String?

    @Option(name: .customLong("bundle"), help: ArgumentHelp("A qontract bundle JSON file.", valueName: "file"))
    public var bundle: String?

    @Option(name: .customLong("graphql"), help: ArgumentHelp("A qontract-server GraphQL URL (env GT_GRAPHQL_URL; bearer token from GT_GRAPHQL_TOKEN).", valueName: "url"))
    public var graphQL: String?

    @Option(help: ArgumentHelp("Only this GlitchTip instance.", valueName: "name"))
    public var instance: String?

    public init() {}

    public func validate() throws {
        let chosen = [dataDirectory, bundle, graphQL].compactMap { $0 }
        if chosen.count > 1 { throw ValidationError("choose one of --data, --bundle and --graphql") }
    }

    /// The chosen source, flags before environment.
    public func source(environment: [String: String]) throws -> AppInterfaceSource {
        if let dataDirectory { return .dataDirectory(dataDirectory, environment: environment) }
        if let bundle { return .bundle(bundle) }
        if let graphQL { return .graphQL(url: graphQL, token: environment["GT_GRAPHQL_TOKEN"]) }
        if let dir = environment["GT_DATA_DIR"], !dir.isEmpty { return .dataDirectory(dir, environment: environment) }
        if let url = environment["GT_GRAPHQL_URL"], !url.isEmpty {
            return .graphQL(url: url, token: environment["GT_GRAPHQL_TOKEN"])
        }
        throw ValidationError("no App-Interface source: give --data DIR, --bundle FILE or --graphql URL (or set GT_DATA_DIR or GT_GRAPHQL_URL)")
    }
}
