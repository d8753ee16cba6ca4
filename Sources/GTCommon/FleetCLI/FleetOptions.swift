import ArgumentParser
import GTCache

/// The options of the tools that talk to the fleet's GlitchTip instances (gt-current, gt-apply):
/// `--concurrency` and `--cache-url`, one help text and one validation for both. `Tool` gives
/// what differs: the default concurrency and what it runs in parallel.
public struct FleetOptions<Tool: FleetTool>: ParsableArguments, Sendable {
    @Option(help: ArgumentHelp("Requests in flight per instance\(Tool.parallelism)."))
    public var concurrency: Int = Tool.concurrency

    @Option(help: ArgumentHelp(SecondTier.cacheURLHelp, valueName: "url"))
    public var cacheUrl: String?

    public init() {}

    public func validate() throws {
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 256") }
        if let cacheUrl {
            do { _ = try RedisURL(parsing: cacheUrl) } catch { throw ValidationError("--cache-url: \(error)") }
        }
    }
}

/// A tool's defaults in ``FleetOptions``.
public protocol FleetTool: Sendable {
    /// `--concurrency` when not given.
    static var concurrency: Int { get }
    /// What the requests in flight are, after "Requests in flight per instance" (or nothing).
    static var parallelism: String { get }
}

/// gt-current: organizations and projects listed in parallel.
public enum CurrentFleet: FleetTool {
    public static let concurrency = 8
    public static let parallelism = ""
}

/// gt-apply: projects in parallel, each project's actions in order.
public enum ApplyFleet: FleetTool {
    public static let concurrency = 4
    public static let parallelism = " (projects in parallel; actions within a project in order)"
}
