import ArgumentParser
import GTStreams
import GTCLI
import DiffCore

@main
struct GTDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gt-diff",
        abstract: "Compare desired and current alerts and plan actions (actions stream).",
        discussion: """
            Reads the desired stream (stdin, or --desired FILE) and the current stream (FILE; - for \
            stdin; <(gt-current) works), refuses either unless it is complete, and writes the plan: \
            per project creates, updates, deletes. Instance records and upstream warnings and errors \
            pass on. A plan for people on a terminal (or --format text); the stream otherwise. The plan \
            says how many deletes per project are of alerts no earlier desired state declared (made in \
            the GlitchTip UI?): with --history FILE, those the file does not list, and FILE then lists \
            this desired state's alerts too; without it, every delete of a name the desired project \
            does not declare.
            """,
        version: GTVersion.current)

    @Option(help: ArgumentHelp("The desired stream (default: stdin).", valueName: "file"))
    var desired: String?

    @Argument(help: ArgumentHelp("The current stream; - for stdin.", valueName: "current"))
    var current: String

    @Option(help: ArgumentHelp("The alerts earlier desired states declared, read and then added to (made if absent).",
                               valueName: "file"))
    var history: String?

    @Flag(help: "Exit 0 when there is nothing to do, 2 when there are changes, 1 on an error.")
    var detailedExitcode = false

    @OptionGroup(title: "Output")
    var output: OutputOptions

    func validate() throws {
        if current == "-" && (desired == nil || desired == "-") {
            throw ValidationError("the desired and current streams cannot both be stdin: give --desired FILE or a current FILE")
        }
        if let history, history.isEmpty || history == "-" || history.hasSuffix("/") {
            throw ValidationError("--history takes a file (it is read and then replaced), got '\(history)'")
        }
    }

    func run() throws {
        let started = ContinuousClock.now
        let environment = Environment.current
        let diagnostics = Diagnostics(tool: "gt-diff")
        let stdout = FileOutput.standardOutput()
        let text = output.wantsText()
        let writer = text ? nil : StreamWriter(stream: .actions, generator: "gt-diff \(GTVersion.current)", output: stdout)

        var builder = PlanBuilder()
        let actions: [ActionRecord]
        // The upstream trailers' stats ride on in ours, so gt-apply's --metrics-file sees every tool's counters.
        var upstream: [String: JSONValue] = [:]
        let historyFile = history.map(HistoryFile.init)
        var earlier = DeclaredAlerts()
        do {
            // Read first: nothing is planned from a history that cannot be read (fail closed).
            let before = try historyFile?.read()
            earlier = before?.alerts ?? DeclaredAlerts()
            let desiredReader = try open(.desired, path: desired ?? "-")
            let currentReader = try open(.current, path: current)
            // Only with a history are the desired state's alerts kept: without one, memory follows the plan.
            var declared = DeclaredAlerts()
            actions = try StreamMerge(desired: desiredReader, current: currentReader)
                .run(into: &builder) { if historyFile != nil { declared.insert($0) } }
            upstream["desired"] = .object(desiredReader.trailer?.stats ?? [:])
            upstream["current"] = .object(currentReader.trailer?.stats ?? [:])
            // Both streams are complete: what the desired state declared is known, applied or not.
            try historyFile?.add(declared, readBefore: before)
        } catch {
            diagnostics.error("\(error)")
            writer?.finish(complete: false)
            throw ExitCode.failure
        }
        let notices = builder.notices
        let errors = notices.filter { $0.level == .error }.count
        let undeclared = UndeclaredDeletes(builder.deletesOfUndeclaredNames, history: earlier)
        if let writer {
            builder.instances.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }.forEach { writer.write($0.json) }
            notices.forEach { writer.write($0.json) }
            undeclared.warnings.forEach { writer.write($0.json) }
            actions.forEach { writer.write($0.json) }
            let count = { (kind: ActionRecord.Kind) in Int64(actions.filter { $0.type == kind }.count) }
            writer.finish(stats: ["creates": .int(count(.create)), "updates": .int(count(.update)), "deletes": .int(count(.delete)),
                                  "undeclared_deletes": .int(Int64(undeclared.total)),
                                  "elapsed_ms": .int(Int64((ContinuousClock.now - started).milliseconds)), "upstream": .object(upstream)])
        } else if output.wantsMarkdown {
            stdout.write(PlanMarkdown().render(actions, notices: notices, instances: builder.instances.map(\.name),
                                               undeclared: undeclared.byProject))
            stdout.flush()
        } else {
            let plan = PlanText(color: output.wantsColor(environment: environment))
            var lines = notices.map(plan.notice)
            lines += plan.render(actions)
            lines.append(plan.counts(actions))
            if let line = plan.undeclaredDeletes(undeclared.byProject) { lines.append(line) }
            stdout.write(lines.joined(separator: "\n") + "\n")
            stdout.flush()
        }
        // A plan that did not reach its reader must not end in status 0 (docs/architecture.md, "System calls").
        do { try stdout.finish() } catch {
            diagnostics.error("\(error)")
            throw ExitCode.failure
        }
        if errors > 0 { throw ExitCode.failure }
        if detailedExitcode && !actions.isEmpty { throw ExitCode(2) }
    }

    /// A stream's reader, its header checked; `-` is stdin.
    private func open(_ kind: StreamKind, path: String) throws -> StreamReader {
        let label = path == "-" ? kind.rawValue : "\(kind.rawValue) (\(path))"
        return try StreamReader(stream: kind, lines: LineReader(path: path), label: label)
    }
}
