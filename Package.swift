// swift-tools-version:6.0
// Swift 6 language mode for every target (tools 6.0). Linux only: the sources call Glibc
// directly, so the package claims no other platform and names only Debian (apt) providers.
// ArgumentParser from 1.7.0: earlier Linux builds pulled in Foundation.
import PackageDescription

let package = Package(
    name: "gt",
    products: [
        .executable(name: "gt-desired", targets: ["gt-desired"]),
        .executable(name: "gt-current", targets: ["gt-current"]),
        .executable(name: "gt-diff", targets: ["gt-diff"]),
        .executable(name: "gt-apply", targets: ["gt-apply"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.7.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CJansson", pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"])]),
        // libyaml, the YAML 1.1 parser PyYAML and Yams are built on; its event stream is read
        // straight into JSONValue (AppInterface/YAMLDocument.swift).
        .systemLibrary(
            name: "CLibYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(
            name: "CLibCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        // hiredis: the shared cache tier and run locks on Redis/Valkey (GT_CACHE_URL). No
        // pkgConfig: hiredis.pc adds -D_FILE_OFFSET_BITS=64, which SwiftPM refuses with a warning
        // on every build; its other flags (-lhiredis, the default include dir) are in the module map.
        .systemLibrary(
            name: "CHiredis",
            providers: [.apt(["libhiredis-dev"])]),
        // Typed forwarders for libcurl's variadic calls; used by the GlitchTip layer only.
        .target(name: "CCurlShims", dependencies: ["CCurl"]),
        // The layers (docs/architecture.md, "Layers"): each depends only on layers below it.
        // Streams and records: JSON on jansson, line I/O, system calls, the stream records and
        // their framing. Links jansson and nothing else, so gt-diff links no network or crypto.
        .target(name: "GTStreams", dependencies: ["CJansson"]),
        // Talking to GlitchTip: the HTTP transport on libcurl, the client, the listing cache
        // (sealed with libcrypto, shared on Redis through hiredis).
        .target(
            name: "GTGlitchTip",
            dependencies: ["GTStreams", "CCurl", "CCurlShims", "CLibCrypto", "CHiredis"]),
        // The command line: ArgumentParser option groups and terminal formatting of plans.
        .target(
            name: "GTCLI",
            dependencies: [
                "GTStreams",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // App-Interface sources and secrets: what gt-desired, gt-current and gt-apply share beyond
        // the layers above. A target of its own so gt-diff does not link YAML and Foundation.
        .target(name: "AppInterface", dependencies: ["GTStreams", "GTGlitchTip", "CLibYAML"]),
        // The App-Interface option group (--data, --bundle, --graphql, --instance) of the three
        // tools that read App-Interface: command-line types stay out of the library above.
        .target(
            name: "AppInterfaceCLI",
            dependencies: ["AppInterface", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // gt-desired's core: the rules, the Jira bridge and the fleet-level checks, per project.
        // Pure model in, records out, so the rules are tested in process (Tests/DesiredCoreTests).
        .target(name: "DesiredCore", dependencies: ["GTStreams", "AppInterface"]),
        // gt-desired parses flags, reads App-Interface and secrets, and writes the stream; the
        // records are DesiredCore's.
        .executableTarget(
            name: "gt-desired",
            dependencies: [
                "AppInterfaceCLI", "DesiredCore", "GTStreams", "GTGlitchTip", "GTCLI", "AppInterface",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // gt-current's pure core: which GlitchTip organization an App-Interface one is, and the
        // stream laid out in order before anything is fetched (Tests/CurrentCoreTests).
        .target(name: "CurrentCore", dependencies: ["GTStreams", "GTGlitchTip"]),
        .executableTarget(
            name: "gt-current",
            dependencies: ["AppInterfaceCLI", "CurrentCore", "GTStreams", "GTGlitchTip", "GTCLI", "AppInterface", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // gt-diff's core: pairing the two streams and planning each project's actions. Pure
        // records in, records out, so the planner is tested in process (Tests/DiffCoreTests).
        .target(name: "DiffCore", dependencies: ["GTStreams"]),
        // gt-diff reads two streams and writes one: no network, cache, YAML or secrets. The
        // executable parses flags and wires I/O; the plan is DiffCore's.
        .executableTarget(
            name: "gt-diff",
            dependencies: ["DiffCore", "GTStreams", "GTCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // gt-apply's core: the plan read, each project's actions applied in order through
        // `ProjectAlertsAPI` (the GlitchTip calls it makes), each action's progress. No
        // App-Interface, flags or locks, so the applier is tested in process against an
        // in-memory GlitchTip (Tests/ApplyCoreTests).
        .target(name: "ApplyCore", dependencies: ["GTStreams", "GTGlitchTip"]),
        // gt-apply reads instance tokens through the same secret stores. The executable parses
        // flags, takes the locks, handles signals and writes the report; the decisions are ApplyCore's.
        .executableTarget(
            name: "gt-apply",
            dependencies: ["AppInterfaceCLI", "ApplyCore", "GTStreams", "GTGlitchTip", "GTCLI", "AppInterface", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // Shared by the test targets: the simulator process, paths, running the built tools.
        .target(name: "GTTestSupport", dependencies: ["GTStreams", "GTGlitchTip", "GTCLI"], path: "Tests/GTTestSupport"),
        .testTarget(name: "GTCommonTests", dependencies: ["GTStreams", "GTGlitchTip", "GTCLI", "GTTestSupport"]),
        .testTarget(name: "CurrentCoreTests", dependencies: ["CurrentCore", "GTStreams", "GTGlitchTip"]),
        .testTarget(name: "DiffCoreTests", dependencies: ["DiffCore", "GTStreams"]),
        .testTarget(name: "ApplyCoreTests", dependencies: ["ApplyCore", "GTStreams", "GTGlitchTip", "GTTestSupport"]),
        .testTarget(name: "DesiredCoreTests", dependencies: ["DesiredCore", "AppInterface", "GTStreams"]),
        .testTarget(name: "AppInterfaceTests", dependencies: ["AppInterface", "GTStreams", "GTGlitchTip", "GTCLI", "GTTestSupport"]),
        .testTarget(name: "ToolTests", dependencies: ["GTStreams", "GTGlitchTip", "GTCLI", "AppInterface", "GTTestSupport"]),
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
