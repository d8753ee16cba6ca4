import AppInterface
import Foundation

extension AppInterfaceSource {
    /// A data directory whose spill file goes to the test process's temporary directory.
    static func dataDirectory(_ dir: String) -> AppInterfaceSource {
        .dataDirectory(dir, spillDirectory: NSTemporaryDirectory())
    }
}
