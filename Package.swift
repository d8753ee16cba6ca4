// swift-tools-version:6.0
// Swift 6 language mode for every target (tools 6.0). Linux only: the sources call Glibc
// directly, so the package claims no other platform and names only Debian (apt) providers.
// ArgumentParser from 1.7.0: earlier Linux builds pulled in Foundation.
//
// Layout (docs/architecture.md, "Layers"): the four tools in Sources/gt-*/, everything two or
// more of them share in Sources/GTCommon/, one folder per library target, the C modules in
// Sources/GTCommon/C/. Each library depends only on libraries listed before it.
import PackageDescription

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
// gt-serve's HTTP server. Only ServeHTTP and gt-serve depend on it: the four pipeline tools keep
// their link sets (Tests/RepositoryTests/LinkedLibrariesTests.swift).
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")

/// A library target under Sources/GTCommon/.
func common(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .target(name: name, dependencies: dependencies, path: "Sources/GTCommon/\(name)")
}

/// A C system library under Sources/GTCommon/C/.
func systemLibrary(_ name: String, pkgConfig: String? = nil, apt: String) -> Target {
    .systemLibrary(name: name, path: "Sources/GTCommon/C/\(name)", pkgConfig: pkgConfig, providers: [.apt([apt])])
}

let package = Package(
    name: "gt",
    products: [
        .executable(name: "gt-desired", targets: ["gt-desired"]),
        .executable(name: "gt-current", targets: ["gt-current"]),
        .executable(name: "gt-diff", targets: ["gt-diff"]),
        .executable(name: "gt-apply", targets: ["gt-apply"]),
        .executable(name: "gt-serve", targets: ["gt-serve"]),
        .executable(name: "gt-adopt", targets: ["gt-adopt"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.7.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        // Already Hummingbird's: gt-serve names their types (its logger, the service group it stops).
        .package(url: "https://github.com/apple/swift-log", from: "1.14.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        // Already Hummingbird's: ServeHTTPTests gives its routes a context over an EmbeddedChannel.
        .package(url: "https://github.com/apple/swift-nio", from: "2.0.0"),
    ],
    targets: [
        systemLibrary("CCurl", pkgConfig: "libcurl", apt: "libcurl4-openssl-dev"),
        systemLibrary("CJansson", pkgConfig: "jansson", apt: "libjansson-dev"),
        // libyaml, the YAML 1.1 parser PyYAML and Yams are built on; its event stream is read
        // straight into JSONValue (AppInterface/YAMLDocument.swift).
        systemLibrary("CLibYAML", pkgConfig: "yaml-0.1", apt: "libyaml-dev"),
        systemLibrary("CLibCrypto", pkgConfig: "libcrypto", apt: "libssl-dev"),
        // hiredis: the shared cache tier and run locks on Redis/Valkey (GT_CACHE_URL). No
        // pkgConfig: hiredis.pc adds -D_FILE_OFFSET_BITS=64, which SwiftPM refuses with a warning
        // on every build; its other flags (-lhiredis, the default include dir) are in the module map.
        systemLibrary("CHiredis", apt: "libhiredis-dev"),
        // zlib: gt-serve's gzip request bodies, inflated with a bound (ServeHTTP).
        systemLibrary("CZlib", pkgConfig: "zlib", apt: "zlib1g-dev"),
        // Typed forwarders for libcurl's variadic calls; used by the HTTP layer only.
        .target(name: "CCurlShims", dependencies: ["CCurl"], path: "Sources/GTCommon/C/CCurlShims"),

        // Streams and records: JSON on jansson, line I/O, system calls, the stream records and
        // their framing. Links jansson and nothing else, so gt-diff links no network or crypto.
        common("GTStreams", ["CJansson"]),
        // HTTP on libcurl: the transport (one multi handle on its own thread), retries, the
        // trust store and proxies. No GlitchTip, no cache: App-Interface's GraphQL and Vault use it too.
        common("GTHTTP", ["GTStreams", "CCurl", "CCurlShims"]),
        // The listing cache: memory, then files or Redis (hiredis), sealed with libcrypto; the
        // Redis client and the shared run lock. Only gt-current and gt-apply link it.
        common("GTCache", ["GTStreams", "CLibCrypto", "CHiredis"]),
        // The GlitchTip API client: paged, counted listings, alert writes, organization matching.
        common("GTGlitchTip", ["GTStreams", "GTHTTP"]),
        // The command line: ArgumentParser option groups and terminal formatting of plans.
        common("GTCLI", ["GTStreams", argumentParser]),
        // App-Interface sources (data directory, bundle, GraphQL) and secrets (Vault, a file).
        common("AppInterface", ["GTStreams", "GTHTTP", "CLibYAML"]),
        // The App-Interface option group (--data, --bundle, --graphql, --instance) of the three
        // tools that read App-Interface: command-line types stay out of the library above.
        common("AppInterfaceCLI", ["AppInterface", argumentParser]),
        // Reaching an instance: which URL may receive its token (InstanceTrust), the token read
        // through the secret stores, the client and the cache seal it gives (GlitchTipConnector).
        common("InstanceAccess", ["GTStreams", "GTHTTP", "GTCache", "GTGlitchTip", "AppInterface"]),
        // gt-desired's core: the rules, the Jira bridge and the fleet-level checks, per project.
        // Pure model in, records out, so the rules are tested in process (Tests/DesiredCoreTests).
        common("DesiredCore", ["GTStreams", "AppInterface"]),
        // gt-diff's core: pairing the two streams and planning each project's actions. Pure
        // records in, records out, so the planner is tested in process (Tests/DiffCoreTests).
        common("DiffCore", ["GTStreams"]),
        // gt-current's core: the current stream laid out in order (which GlitchTip organization
        // an App-Interface one is), then fetched through the cache, concurrently and fail-closed,
        // behind `ListingsAPI` and `InstanceConnecting`. Tested in process against an in-memory
        // GlitchTip (Tests/CurrentCoreTests).
        common("CurrentCore", ["GTStreams", "GTHTTP", "GTCache", "GTGlitchTip"]),
        // gt-apply's core: the plan read, each instance's organizations checked and each
        // project's actions applied through `ProjectAlertsAPI`, each action's progress, the
        // metrics file. Tested in process against an in-memory GlitchTip (Tests/ApplyCoreTests).
        common("ApplyCore", ["GTStreams", "GTHTTP", "GTCache", "GTGlitchTip"]),
        // The option group gt-current and gt-apply share (--concurrency, --cache-url): here, not
        // in GTCLI, because it checks a cache URL with GTCache, which gt-diff must not link.
        common("FleetCLI", ["GTCache", argumentParser]),
        // gt-apply's run, for any front end (gt-apply, a server): the plan read from any line
        // source, the run locks, App-Interface's trust, the run against the grace after an
        // interruption, the report's renderings and the metrics file. No stdout, stderr,
        // signal handler or exit (Tests/ApplyCoreTests runs it in process).
        common("ApplyRun", ["ApplyCore", "InstanceAccess", "AppInterface", "GTStreams", "GTHTTP", "GTCache", "GTCLI"]),
        // The current state read in process for any front end (gt-current, a server): App-Interface's
        // keys, the cache tier and secrets from the environment, each instance connected through
        // InstanceAccess, transports ended on every path, a report instead of stdout and exit codes.
        common("CurrentRun", ["CurrentCore", "InstanceAccess", "AppInterface", "GTStreams", "GTHTTP", "GTCache"]),
        // A reconcile request (the reference's task API) run in process on the cores above: the
        // request read and checked as the reference's models and gt's rules check it, its desired
        // records, then CurrentRun, DiffCore and ApplyRun. No HTTP server (Tests/ServeCoreTests).
        common("ServeCore", ["DesiredCore", "DiffCore", "CurrentRun", "CurrentCore", "ApplyRun", "ApplyCore", "InstanceAccess",
                             "AppInterface", "GTStreams", "GTHTTP", "GTCache"]),
        // gt-adopt's core: a project's live alerts that App-Interface does not declare, as
        // declarations by gt-desired's rules that DiffCore plans as unchanged, and the datafile
        // text they go into. Pure (Tests/AdoptCoreTests).
        common("AdoptCore", ["DesiredCore", "DiffCore", "AppInterface", "GTStreams"]),
        // gt-serve's HTTP layer on Hummingbird: the routes, Bearer JWT (HS256 on libcrypto's HMAC),
        // gzip bodies (zlib), the task store and its two pools, the access log, metrics and the
        // OpenAPI document. Tested in process through its router's responder (Tests/ServeHTTPTests).
        common("ServeHTTP", ["ServeCore", "ApplyRun", "GTCache", "GTStreams", "CLibCrypto", "CZlib", hummingbird]),

        // The tools: flags, wiring, exit codes over the cores above.
        .executableTarget(
            name: "gt-desired",
            dependencies: ["AppInterfaceCLI", "DesiredCore", "GTStreams", "GTHTTP", "GTCLI", "AppInterface", argumentParser]),
        .executableTarget(
            name: "gt-current",
            dependencies: ["AppInterfaceCLI", "FleetCLI", "CurrentRun", "CurrentCore", "GTStreams", "GTCache", "GTCLI", argumentParser]),
        // gt-diff reads two streams and writes one: no network, cache, YAML or secrets.
        .executableTarget(name: "gt-diff", dependencies: ["DiffCore", "GTStreams", "GTCLI", argumentParser]),
        .executableTarget(
            name: "gt-apply",
            dependencies: ["ApplyRun", "ApplyCore", "AppInterfaceCLI", "FleetCLI", "GTStreams", "GTCLI", argumentParser]),
        // The reference's reconcile API over the same cores (README "Drop-in for qontract-api").
        .executableTarget(
            name: "gt-serve",
            dependencies: ["ServeHTTP", "ServeCore", "GTStreams", argumentParser, hummingbird, .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),

        // Alerts made in the GlitchTip UI written into App-Interface (README "Adopting alerts made in the UI").
        .executableTarget(
            name: "gt-adopt",
            dependencies: ["AdoptCore", "AppInterfaceCLI", "AppInterface", "DesiredCore", "DiffCore", "GTStreams", "GTHTTP", "GTCLI",
                           argumentParser]),

        // Shared by the test targets: the simulator process, paths, running the built tools.
        .target(name: "GTTestSupport", dependencies: ["GTStreams", "GTHTTP", "GTCache", "GTGlitchTip", "GTCLI"], path: "Tests/GTTestSupport"),
        // One test target per layer, each depending on that layer and what its tests use.
        .testTarget(name: "GTStreamsTests", dependencies: ["GTStreams", "GTTestSupport"]),
        .testTarget(name: "GTHTTPTests", dependencies: ["GTHTTP", "GTStreams", "CCurl", "GTTestSupport"]),
        .testTarget(name: "GTCacheTests", dependencies: ["GTCache", "GTStreams", "GTTestSupport"]),
        .testTarget(name: "GTGlitchTipTests", dependencies: ["GTGlitchTip", "GTHTTP", "GTStreams", "GTTestSupport"]),
        .testTarget(name: "GTCLITests", dependencies: ["GTCLI", "GTStreams"]),
        .testTarget(name: "CurrentCoreTests",
                    dependencies: ["CurrentCore", "CurrentRun", "AppInterface", "GTStreams", "GTHTTP", "GTGlitchTip", "GTCache",
                                   "GTTestSupport"]),
        .testTarget(name: "DiffCoreTests", dependencies: ["DiffCore", "GTStreams"]),
        .testTarget(name: "ApplyCoreTests",
                    dependencies: ["ApplyCore", "ApplyRun", "AppInterface", "GTStreams", "GTHTTP", "GTCache", "GTGlitchTip",
                                   "GTCLI", "GTTestSupport"]),
        .testTarget(name: "DesiredCoreTests", dependencies: ["DesiredCore", "AppInterface", "GTStreams"]),
        .testTarget(name: "AdoptCoreTests", dependencies: ["AdoptCore", "DesiredCore", "DiffCore", "AppInterface", "GTStreams"]),
        .testTarget(name: "ServeCoreTests",
                    dependencies: ["ServeCore", "ApplyRun", "ApplyCore", "AppInterface", "GTStreams", "GTTestSupport"]),
        // Routes called in process through the router's responder (RouterClient.swift), not
        // HummingbirdTesting: that one brings AsyncHTTPClient, NIOSSL/BoringSSL and NIOHTTP2 into the build.
        .testTarget(name: "ServeHTTPTests",
                    dependencies: ["ServeHTTP", "ServeCore", "GTStreams", "GTTestSupport", hummingbird,
                                   .product(name: "Logging", package: "swift-log"),
                                   .product(name: "NIOEmbedded", package: "swift-nio")]),
        .testTarget(name: "AppInterfaceTests",
                    dependencies: ["AppInterface", "InstanceAccess", "GTStreams", "GTHTTP", "GTCLI", "GTTestSupport"]),
        .testTarget(name: "ToolTests",
                    dependencies: ["GTStreams", "GTHTTP", "GTCache", "GTGlitchTip", "GTCLI", "AppInterface", "GTTestSupport"]),
        // The repository itself: docs and comments, share/, README flag tables, the install,
        // the libraries each tool links.
        .testTarget(name: "RepositoryTests", dependencies: ["GTStreams", "GTTestSupport"]),
    ]
)

// The libFuzzer targets (Tests/Fuzz, README "Development"): declared only when scripts/fuzz
// builds them with -sanitize=fuzzer into .build-fuzz (GT_FUZZ_TARGETS=1), so the normal build
// keeps its products, its time and its warnings-free output.
if Context.environment["GT_FUZZ_TARGETS"] == "1" {
    package.targets += [
        .target(name: "CFuzzDriver", path: "Tests/Fuzz/Driver"),
        .executableTarget(name: "fuzz-stream", dependencies: ["CFuzzDriver", "GTStreams", "DiffCore", "ApplyCore"],
                          path: "Tests/Fuzz/Stream"),
        .executableTarget(name: "fuzz-yaml", dependencies: ["CFuzzDriver", "AppInterface", "GTStreams"], path: "Tests/Fuzz/YAML"),
        .executableTarget(name: "fuzz-url", dependencies: ["CFuzzDriver", "GTStreams"], path: "Tests/Fuzz/URL"),
    ]
}
