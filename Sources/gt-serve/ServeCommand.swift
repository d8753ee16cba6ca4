import ArgumentParser
import GTStreams
import Glibc
import Hummingbird
import Logging
import ServeCore
import ServeHTTP
import ServiceLifecycle

/// `gt-serve serve` (the default): the HTTP server, until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the server (the default command).",
        discussion: """
            Prints "gt-serve: listening on http://HOST:PORT" on stderr once it accepts requests, then one \
            JSON line per request and per finished task. SIGTERM/SIGINT: no new task (503), running tasks \
            get --shutdown-grace seconds, are then interrupted (no new change starts; they read failed), \
            and gt-serve exits 0. A second signal exits at once.
            """,
        version: GTVersion.current)

    @Option(help: ArgumentHelp("Address to listen on (TLS is left to a proxy in front).", valueName: "address"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("Port to listen on; 0 takes a free one (the ready line says which).", valueName: "port"))
    var port = 8000

    @Option(help: ArgumentHelp("On SIGTERM/SIGINT, seconds running tasks get to finish before they are interrupted.", valueName: "seconds"))
    var shutdownGrace: Int64 = 30

    @Option(help: ArgumentHelp("Dry-run tasks run at once; more wait in a queue.", valueName: "n"))
    var dryRunTasks = 4

    @Option(help: ArgumentHelp("Apply tasks (dry_run false) run at once; more wait in a queue.", valueName: "n"))
    var applyTasks = 1

    @Option(help: ArgumentHelp("YAML or JSON file pinning each instance a task may reach to its console_url and token "
                               + "reference; another instance, URL or token is refused (README \"Drop-in for qontract-api\").",
                               valueName: "file"))
    var instances: String?

    @Flag(help: ArgumentHelp("Reach any instance, URL and token a request names, as the reference does: whoever holds a token "
                             + "of gt-serve's may then have any GlitchTip token it can read sent to any URL. Instead of --instances."))
    var anyConsoleURL = false

    @Option(help: ArgumentHelp("Largest request body in MB once a gzip body is inflated (1 to 100; as sent, at most 10). "
                               + "Reading one costs about 30 times its size in memory.", valueName: "mb"))
    var maxRequestMb = 32

    static let idleTimeout: Int64 = 15

    @Option(help: ArgumentHelp("JSON file naming the subjects allowed and what each may do (else GT_SERVE_POLICY; "
                                   + "without either, every valid token may do everything).", valueName: "file"))
    var policy: String?

    func validate() throws {
        if !(1...100).contains(maxRequestMb) { throw ValidationError("--max-request-mb must be from 1 to 100, got \(maxRequestMb)") }
        if instances == nil, !anyConsoleURL {
            throw ValidationError("give --instances FILE (each instance pinned to its console_url and token), or --any-console-url "
                                  + "(any URL a request names receives the token it names)")
        }
        if instances != nil, anyConsoleURL { throw ValidationError("--instances and --any-console-url exclude each other") }
        if !(0...65_535).contains(port) { throw ValidationError("--port must be from 0 to 65535, got \(port)") }
        if !(0...3_600).contains(shutdownGrace) { throw ValidationError("--shutdown-grace must be from 0 to 3600 seconds, got \(shutdownGrace)") }
        if !(1...64).contains(dryRunTasks) { throw ValidationError("--dry-run-tasks must be from 1 to 64, got \(dryRunTasks)") }
        if !(1...64).contains(applyTasks) { throw ValidationError("--apply-tasks must be from 1 to 64, got \(applyTasks)") }
        if policy?.isEmpty == true { throw ValidationError("--policy must name a file") }
    }

    func run() async throws {
        let (host, port) = (host, port)
        let environment = Environment.current
        var settings: ServeSettings
        do {
            settings = try ServeSettings.read(environment)
            let policyFile = policy ?? environment["GT_SERVE_POLICY"].flatMap { $0.isEmpty ? nil : $0 }
            settings.policy = try policyFile.map { path throws(InputError) in try ServePolicy.read(file: path) }
        } catch {
            Diagnostics(tool: "gt-serve").error(error.message)
            throw ExitCode(64)
        }
        if let instances {
            do { settings.task.pins = try InstancePins.read(path: instances) } catch {
                Diagnostics(tool: "gt-serve").error(error.message)
                throw ExitCode(64)
            }
        }
        settings.maxInflatedBytes = maxRequestMb * 1024 * 1024
        settings.maxBodyBytes = min(settings.maxBodyBytes, settings.maxInflatedBytes)
        settings.dryRunConcurrency = dryRunTasks
        settings.applyConcurrency = applyTasks
        let log: @Sendable (JSONValue) -> Void = { say($0.serialized() + "\n") }
        // With GT_CACHE_URL, the tasks are shared with every replica on that server (README "Replicas").
        let shelf: RedisResultShelf?
        do { shelf = try RedisResultShelf.configured(flag: settings.task.cacheURL, environment: environment, retention: settings.retention) } catch {
            Diagnostics(tool: "gt-serve").error(error.message)
            throw ExitCode(64)
        }
        let readiness = Readiness.cacheTier(shelf: shelf, environment: environment)
        let runner = TaskRunner(settings: settings, environment: environment, shelf: shelf, readiness: readiness, events: log)
        let address = ServeAddress(host: host, port: port)
        let router = ServeRouter.make(runner: runner, settings: settings, address: address,
                                      spillDirectory: SystemCall.temporaryDirectory(environment: environment), log: log)
        var logger = Logger(label: "gt-serve", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .error
        // A connection that sends nothing for `idleTimeout` while idle or while its request is
        // read is closed, so idle or trickling clients cannot hold every descriptor; a GET
        // waiting for its task is not idle (README "gt-serve").
        let app = Application(router: router, server: .http1(configuration: .init(idleTimeout: .seconds(Self.idleTimeout))),
                              configuration: .init(address: .hostname(host, port: port)),
                              onServerRunning: { channel in
                                  address.bound(ip: channel.localAddress?.ipAddress, port: channel.localAddress?.port)
                                  say("gt-serve: listening on http://\(host):\(channel.localAddress?.port ?? port)\n")
                              }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let shutdown = Shutdown(runner: runner, group: group, grace: .seconds(shutdownGrace), cutoff: settings.task.grace + .seconds(10))
        let signals = forwardSignals { shutdown.begin($0) }
        defer { withExtendedLifetime(signals) {} }
        do { try await group.run() } catch {
            say("gt-serve: error: cannot serve on \(host):\(port): \(error)\n")
            throw ExitCode.failure
        }
        // A task cut off may still have requests under way: end without the exit handlers, which
        // would race libcurl's cleanup on the transfer threads (docs/architecture.md).
        if await shutdown.cutOff { _exit(0) }
    }
}

/// The shutdown a first signal starts: drain the tasks (TaskRunner.drain), then stop the server.
actor Shutdown {
    private let runner: TaskRunner
    private let group: ServiceGroup
    private let grace: Duration
    private let cutoff: Duration
    private(set) var cutOff = false

    init(runner: TaskRunner, group: ServiceGroup, grace: Duration, cutoff: Duration) {
        self.runner = runner
        self.group = group
        self.grace = grace
        self.cutoff = cutoff
    }

    nonisolated func begin(_ signo: Int32) {
        Task { await run(signo) }
    }

    private func run(_ signo: Int32) async {
        say("gt-serve: \(signalName(signo)): taking no new task; running tasks have \(grace.components.seconds) s to finish, "
            + "then are interrupted (a second signal exits at once)\n")
        let cut = await runner.drain(signal: signo, grace: grace, cutoff: cutoff)
        cutOff = !cut.isEmpty
        say("gt-serve: every task has its result; stopping\n")
        await group.triggerGracefulShutdown()
    }
}

func signalName(_ signo: Int32) -> String { signo == SIGINT ? "SIGINT" : signo == SIGTERM ? "SIGTERM" : "signal \(signo)" }
