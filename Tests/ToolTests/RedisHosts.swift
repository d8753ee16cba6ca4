import Foundation
import GTTestSupport
import XCTest

/// Hosts for the shared-cache tests (README "Running on many hosts"): a "host" is a separate
/// HOME, cache and lock directory and its own processes; hosts share only the Redis server.
extension XCTestCase {
    /// A host's own directories, and the shared cache URL.
    func host(_ name: String, in directory: URL, url: String) -> [String: String] {
        let home = directory.appendingPathComponent("host-\(name)")
        try? FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        return ["HOME": home.path, "GT_CACHE_DIR": home.appendingPathComponent("cache").path,
                "GT_LOCK_DIR": home.path, "GT_CACHE_URL": url]
    }

    /// The paths the simulator was asked for, in order: the witness of what was fetched.
    func requestPaths(_ sim: Simulator) async throws -> [String] {
        try await sim.requestLog().requests.map { $0["path"]!.stringValue! }
    }
}
