import ApplyCore
import Foundation
import GTStreams
import XCTest

/// RunMetrics.write(to:): the file replaced whole, what carries over read from the old one
/// (bounded, never waiting on a FIFO), nothing left beside it.
final class RunMetricsFileTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gt-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func failed() -> RunMetrics { RunMetrics(status: .failed, finishedAt: 1, dryRun: false, runErrors: 1) }

    func testWritesAndCountsOnLeavingNothingBeside() throws {
        let path = directory.appendingPathComponent("gt.prom").path
        for _ in 1...3 { try failed().write(to: path) }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.contains("\ngt_runs_total{status=\"failed\"} 3\n"), text)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["gt.prom"])
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        XCTAssertEqual(mode, 0o644)
    }

    /// A relative path is in the working directory.
    func testARelativePath() throws {
        let saved = FileManager.default.currentDirectoryPath
        defer { _ = FileManager.default.changeCurrentDirectoryPath(saved) }
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory.path))
        try failed().write(to: "gt.prom")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["gt.prom"])
    }

    /// The carried-over series come first, so a previous file cut at the read limit still gives them.
    func testAHugePreviousFileIsReadOnlyAsFarAsNeeded() throws {
        let path = directory.appendingPathComponent("gt.prom").path
        let head = "gt_last_success_timestamp_seconds 77\ngt_runs_total{status=\"failed\"} 5\n"
        try Data((head + String(repeating: "# padding\n", count: 2_000_000)).utf8).write(to: URL(fileURLWithPath: path))
        try failed().write(to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.contains("\ngt_runs_total{status=\"failed\"} 6\n"), text)
        XCTAssertTrue(text.contains("\ngt_last_success_timestamp_seconds 77\n"), text)
    }

    /// A FIFO, a directory or a device at the path is refused, without waiting for a writer.
    func testAPathThatIsNotARegularFileIsRefused() throws {
        let fifo = directory.appendingPathComponent("fifo.prom").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let folder = directory.appendingPathComponent("dir.prom").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        for path in [fifo, folder] {
            XCTAssertThrowsError(try failed().write(to: path)) { error in
                XCTAssertEqual("\(error)", "cannot write the metrics file \(path): it is not a regular file")
            }
        }
        XCTAssertThrowsError(try failed().write(to: "/dev/null"))
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)), ["fifo.prom", "dir.prom"])
    }

    func testAMissingDirectoryIsNamed() {
        let path = directory.appendingPathComponent("none/gt.prom").path
        XCTAssertThrowsError(try failed().write(to: path)) { error in
            XCTAssertEqual("\(error)", "cannot write the metrics file \(path): \(directory.path)/none: No such file or directory")
        }
    }
}
