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
        .target(name: "CShims", dependencies: ["CCurl", "CJansson"]),
        .target(
            name: "GTCommon",
            dependencies: [
                "CShims", "CCurl", "CJansson", "CLibCrypto", "CHiredis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // App-Interface sources and secrets: what gt-desired, gt-current and gt-apply share beyond
        // GTCommon. A target of its own so gt-diff does not link YAML and Foundation.
        .target(
            name: "AppInterface",
            dependencies: [
                "GTCommon", "CLibYAML",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "gt-desired",
            dependencies: ["GTCommon", "AppInterface", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "gt-current",
            dependencies: ["GTCommon", "AppInterface", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(
            name: "gt-diff",
            dependencies: ["GTCommon", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // gt-apply reads instance tokens through the same secret stores.
        .executableTarget(
            name: "gt-apply",
            dependencies: ["GTCommon", "AppInterface", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // Shared by the test targets: the simulator process, paths, running the built tools.
        .target(name: "GTTestSupport", dependencies: ["GTCommon"], path: "Tests/GTTestSupport"),
        .testTarget(name: "GTCommonTests", dependencies: ["GTCommon", "GTTestSupport"]),
        .testTarget(name: "AppInterfaceTests", dependencies: ["AppInterface", "GTCommon", "GTTestSupport"]),
        .testTarget(name: "ToolTests", dependencies: ["GTCommon", "AppInterface", "GTTestSupport"]),
    ]
)
