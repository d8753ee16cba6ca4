import ApplyCore
@testable import ApplyRun
import AppInterface
import Foundation
import GTGlitchTip
import GTStreams
import GTHTTP
import GTCache
import GTTestSupport
import XCTest

/// A whole `gt-apply --no-dry-run` in process: a small App-Interface data directory (instance
/// `glitchtip` at https://glitchtip.example.com, organization `Org`, project `web` and any
/// others), the in-memory GlitchTip behind ``MemoryConnector``, private lock and cache
/// directories, and ``ApplyRun`` over them. Every connection, call and cache operation lands
/// in one ``EventLog``.
struct RunFixture {
    static let consoleURL = "https://glitchtip.example.com"
    static let instance = InstanceRecord(name: "glitchtip", consoleURL: consoleURL, token: SecretRef(path: "gt/test", field: "token"),
                                         readTimeout: 30, maxRetries: 3)

    let directory: URL
    let log = EventLog()
    let glitchtip: InMemoryGlitchTip
    let gate: Gate?
    var environment: [String: String]
    var dataDirectory: String { directory.appendingPathComponent("data").path }
    var lockDirectory: String { directory.appendingPathComponent("locks").path }
    /// The run lock of instance `glitchtip` (``RunLock``).
    var lockPath: String { "\(lockDirectory)/apply-glitchtip.lock" }

    /// - Parameters:
    ///   - projects: projects of `Org` beside `web`, declared in App-Interface and without alerts.
    ///   - gated: each POST waits at ``gate`` until the test opens it.
    init(in test: XCTestCase, alerts: [JSONValue] = [], projects: [String] = [], gated: Bool = false) throws {
        directory = test.scratchDirectory()
        glitchtip = InMemoryGlitchTip(log: log, alerts: alerts, projects: projects)
        gate = gated ? Gate() : nil
        let data = directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        var files = [
            "instance.yml": """
                $schema: /dependencies/glitchtip-instance-1.yml
                labels: {}
                name: glitchtip
                description: test
                consoleUrl: \(Self.consoleURL)
                automationUserEmail: {path: gt/test, field: email}
                automationToken: {path: gt/test, field: token}

                """,
            "org.yml": "$schema: /dependencies/glitchtip-organization-1.yml\nname: Org\ndescription: test\ninstance: {$ref: /instance.yml}\n",
        ]
        for project in ["web"] + projects { files["\(project).yml"] = projectDatafile(project, organization: "/org.yml") }
        for (name, text) in files { try text.write(to: data.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        XCTAssertEqual(mkdir(directory.appendingPathComponent("locks").path, 0o700), 0)
        environment = ["GT_LOCK_DIR": directory.appendingPathComponent("locks").path,
                       "GT_CACHE_DIR": directory.appendingPathComponent("cache").path]
    }

    /// A plan of `actions` (ApplierFixture's: instance `glitchtip`, organization `Org`) with
    /// `instance` as its instance record.
    static func plan(_ actions: [ActionRecord], instance: InstanceRecord = instance) -> ApplyPlan {
        var plan = ApplyPlan()
        plan.instances[instance.name] = instance
        plan.actions = actions
        return plan
    }

    /// Runs `plan` as `gt-apply --no-dry-run --data <dir>` would (`dryRun` otherwise), with
    /// `afterMutation` told the number of changes made after each one.
    func run(_ plan: ApplyPlan, dryRun: Bool = false, source: AppInterfaceSource?? = nil, concurrency: Int = 4,
             configure: (inout ApplySettings) -> Void = { _ in }, interruption: RunInterruption = RunInterruption(),
             afterMutation: @escaping @Sendable (Int) -> Void = { _ in }, connector: (any InstanceConnector)? = nil,
             abandoning: (ApplyOutcome) async -> Void = { _ in }) async -> ApplyOutcome {
        var settings = ApplySettings(dryRun: dryRun, concurrency: concurrency, environment: environment)
        configure(&settings)
        let api = GatedGlitchTip(glitchtip: glitchtip, gate: gate, afterMutation: afterMutation)
        let connector = connector ?? MemoryConnector(api: api, seal: CacheSeal(secret: "planted-instance-token"))
        let run = ApplyRun(plan: plan, source: source ?? .dataDirectory(dataDirectory, environment: [:]), settings: settings,
                           interruption: interruption, connector: { _, _ in connector })
        return await run.run(abandoning: abandoning)
    }

    /// Each action's result in words: `applied`, `failed: <error>`, or `not attempted`.
    static func results(_ report: ApplyReport) -> [String] {
        report.outcomes.indices.map { index in
            guard report.attempted[index] else { return "not attempted" }
            let outcome = report.outcomes[index]
            return outcome.applied ? "applied" : outcome.error.map { "failed: \($0)" } ?? "planned"
        }
    }

    /// The lines of the log that reached GlitchTip or connected to it (no cache operations).
    var requests: [String] { log.lines.filter { !$0.hasPrefix("cache ") } }
}
