import AppInterfaceCLI
import ArgumentParser
import CurrentCore
import CurrentRun
import FleetCLI
import Foundation
import GTCache
import GTCLI
import GTStreams

@main
struct GTCurrentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gt-current",
        abstract: "Fetch the live GlitchTip project alerts (current stream).",
        discussion: """
            Reads from App-Interface which instances, organizations and projects are managed, then \
            lists them in GlitchTip through a two-tier cache (GT_CACHE_DIR, or Redis shared between \
            hosts with GT_CACHE_URL; TTLs from \
            QAPI_GLITCHTIP_{ORGANIZATIONS,PROJECTS,ALERTS}_CACHE_TTL, 3600 s by default). A listing \
            that fails gives an error record for its scope and no project record; exit status 1 \
            when any error was written.
            """,
        version: GTVersion.current)

    @OptionGroup(title: "App-Interface")
    var appInterface: AppInterfaceOptions

    @Flag(help: "List every project of every organization, managed or not (export, adoption).")
    var allProjects = false

    @OptionGroup var fleet: FleetOptions<CurrentFleet>
    var concurrency: Int { fleet.concurrency }

    @Flag(help: "Do not read the cache (fresh entries are still written).")
    var refresh = false

    @Flag(help: "No progress line and no warnings on stderr (errors are still printed).")
    var quiet = false

    var cacheUrl: String? { fleet.cacheUrl }

    func run() async throws {
        let started = ContinuousClock.now
        let environment = Environment.current
        let diagnostics = Diagnostics(tool: "gt-current")
        let source = try appInterface.source(environment: environment)
        let stdout = FileOutput.standardOutput()
        let writer = StreamWriter(stream: .current, generator: "gt-current \(GTVersion.current)", output: stdout)
        let progress = quiet ? nil : ProgressLine.onTerminal(label: "gt-current: projects", environment: environment)
        // Messages follow the stream: errors always, warnings unless --quiet, the progress line
        // erased first so a message does not land in the middle of it.
        let sink = StreamWriterSink(writer: writer) { [quiet] record in
            guard record.kind == .error || !quiet else { return }
            progress?.clear()
            if record.kind == .error { diagnostics.error(record.message ?? "") } else { diagnostics.warning(record.message ?? "") }
        }
        let options = CurrentRun.Options(concurrency: concurrency, allProjects: allProjects, refresh: refresh,
                                          cacheURL: cacheUrl, instance: appInterface.instance)
        let report = await CurrentRun.run(
            source: source, options: options, environment: environment, into: sink,
            progress: progress.map { line in FetchProgress(add: { line.add(total: $0) }, advance: { line.advance() }) })
        let stats = report.stats(elapsedMilliseconds: Int64((ContinuousClock.now - started).milliseconds))
        if let failure = report.failure {
            diagnostics.error(failure)
            writer.finish(complete: false, stats: stats)
            throw ExitCode.failure
        }
        progress?.clear()
        report.warnings.forEach { diagnostics.warning($0) }
        writer.finish(stats: stats)
        do { try stdout.finish() } catch {
            diagnostics.error("\(error)")
            throw ExitCode.failure
        }
        if writer.errors > 0 { throw ExitCode.failure }
    }
}
