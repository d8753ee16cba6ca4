import Foundation
import XCTest

/// Where tests find the package, the shared fixtures and scratch space.
public enum TestPaths {
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` beside the checkout (CI lays a copy there), or `GT_SHARED_DIR`.
    public static var shared: URL {
        if let dir = ProcessInfo.processInfo.environment["GT_SHARED_DIR"] { return URL(fileURLWithPath: dir) }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    public static var qontractFixtures: URL { shared.appendingPathComponent("qontract-fixtures") }

    public static var simulatorScript: URL { packageRoot.appendingPathComponent("Tests/Simulator/glitchtip_sim.py") }
}

extension XCTestCase {
    /// A new empty directory, removed when the test ends.
    public func scratchDirectory() -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gt-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }
}
