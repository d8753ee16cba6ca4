import Foundation

/// One run's mark: an environment variable every process of the run inherits (gt-reconcile,
/// its shells, each tool), so a test can see when all of them are gone, and then knows nothing
/// of the run can still reach the server. What a sleep "long enough for anything left" guessed.
struct RunMarker {
    private let name = "GT_TEST_RUN"
    private let value = UUID().uuidString

    var environment: [String: String] { [name: value] }

    /// The processes still carrying the mark (a zombie has no environment left to read).
    func survivors() -> [Int32] {
        let entry = Array("\(name)=\(value)".utf8)
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return pids.compactMap(Int32.init).filter { pid in
            guard let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return [UInt8](environ).split(separator: 0).contains { $0.elementsEqual(entry) }
        }
    }
}
