import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// gt-desired keeps the datafiles of a data directory in a spill file until their turn
/// (docs/architecture.md, "Bounded memory"): in `TMPDIR`, without a name, never in `/tmp` when
/// `TMPDIR` says otherwise (glibc's `tmpfile(3)` ignored it). Seen in `/proc/PID/fd` of a
/// running gt-desired, held mid-walk by a full stdout pipe; a `TMPDIR` that cannot be used
/// leaves the datafiles in memory, and the stream is the same.
final class SpillDirectoryTests: SimulatorTestCase {

    /// How many bytes wait in the pipe `fd` reads.
    private func pending(_ fd: Int32) -> Int32 {
        var count: Int32 = 0
        return ioctl(fd, UInt(FIONREAD), &count) == 0 ? count : -1
    }

    func testTheSpillFileIsInTMPDIRWithoutAName() async throws {
        let dir = scratchDirectory()
        let fleet = try await Fleet.make(for: self, in: dir, organizations: 1, projects: 600, alerts: 2)
        let spill = dir.appendingPathComponent("spill").path
        try FileManager.default.createDirectory(atPath: spill, withIntermediateDirectories: true)
        let reference = try Tools.run("gt-desired", ["--data", fleet.dataDirectory], environment: fleet.environment)
        XCTAssertEqual(reference.status, 0, reference.stderr)
        XCTAssertGreaterThan(reference.stdout.utf8.count, 4 * 65536, "the stream must outgrow the pipe")

        let process = Process()
        process.executableURL = Tools.binDirectory.appendingPathComponent("gt-desired")
        process.arguments = ["--data", fleet.dataDirectory]
        process.environment = Tools.environment(fleet.environment.merging(["TMPDIR": spill]) { $1 })
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The pipe full: gt-desired waits in write(2), mid-walk, its spill file open.
        let reader = out.fileHandleForReading.fileDescriptor
        while process.isRunning && pending(reader) < 65536 { usleep(5000) }
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd")) ?? []
        let targets = fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(process.processIdentifier)/fd/\($0)") }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let streamed = String(decoding: stdout, as: UTF8.self).split(separator: "\n").dropLast().joined(separator: "\n")
        XCTAssertEqual(streamed, reference.streamWithoutTrailer)
        XCTAssertEqual(targets.filter { $0.hasPrefix(spill + "/") && $0.hasSuffix("(deleted)") }.count, 1, "\(targets)")
        XCTAssertEqual(targets.filter { ($0 as NSString).deletingLastPathComponent == "/tmp" }, [], "a spill file in /tmp: \(targets)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: spill), [], "a spill file with a name")

        // A TMPDIR that cannot hold a file: the datafiles stay in memory, the stream is the same.
        let nowhere = try Tools.run("gt-desired", ["--data", fleet.dataDirectory],
                                    environment: fleet.environment.merging(["TMPDIR": "/nonexistent-\(UUID().uuidString)"]) { $1 })
        XCTAssertEqual(nowhere.status, 0, nowhere.stderr)
        XCTAssertEqual(nowhere.streamWithoutTrailer, reference.streamWithoutTrailer)
    }
}
