import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest
import GTCache

/// Issue 10 items 14 and 17: what gt-current finds in its cache directory cannot hang it, grow
/// it without bound, or make it use a directory someone else can write.
final class CacheFileSafetyTests: SimulatorTestCase {

    /// gt-current with a bound on time and memory, so a regression fails instead of hanging the
    /// suite or eating the machine.
    private func boundedCurrent(_ fleet: Fleet, _ arguments: String = "", environment: [String: String]? = nil) throws -> ToolResult {
        try Tools.shell("ulimit -v 4000000; exec timeout -s KILL 60 gt-current --data '\(fleet.dataDirectory)' \(arguments)",
                        environment: environment ?? fleet.environment)
    }

    private func alertsEntry(_ fleet: Fleet, project: Int) -> String {
        let key = CacheKey.alerts(ProjectKey(instance: "gt-00", organization: "gt-00-org-00", project: Fleet.projectName(0, project)))
        return fleet.cacheDirectory + "/" + PercentEncoding.encode(key, keeping: PercentEncoding.isFileNameSafe) + ".json"
    }

    func testAFIFOAndALinkToDevZeroAtEntryPathsAreMisses() async throws {
        let made = try await Fleet.make(for: self, organizations: 1, projects: 3, alerts: 2)
        let first = try boundedCurrent(made)
        XCTAssertEqual(first.status, 0, first.stderr)
        let fifo = alertsEntry(made, project: 0)
        let link = alertsEntry(made, project: 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: fifo), fifo)
        XCTAssertEqual(unlink(fifo), 0)
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertEqual(unlink(link), 0)
        XCTAssertEqual(symlink("/dev/zero", link), 0)
        try await made.sim.clearRequests()

        let second = try boundedCurrent(made)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(second.streamWithoutTrailer, first.streamWithoutTrailer)
        XCTAssertTrue(second.stderr.contains("cache entry \(fifo) ignored: not a regular file"), second.stderr)
        XCTAssertTrue(second.stderr.contains("cache entry \(link) ignored: it is a symbolic link"), second.stderr)
        XCTAssertFalse(second.stdout.contains(made.token) || second.stderr.contains(made.token), "a token in the output")
        // Both were misses (fetched again), the others hits.
        let paths = try await made.sim.requestLog().requests.compactMap { $0["path"]?.stringValue }.sorted()
        XCTAssertEqual(paths, [0, 1].map { "/api/0/projects/gt-00-org-00/\(Fleet.projectName(0, $0))/alerts/" })
        // And replaced by real entries: the next run reads them.
        for path in [fifo, link] {
            var info = stat()
            XCTAssertEqual(lstat(path, &info), 0)
            XCTAssertEqual(info.st_mode & S_IFMT, S_IFREG, path)
        }
        let third = try boundedCurrent(made)
        XCTAssertEqual(third.streamWithoutTrailer, first.streamWithoutTrailer)
        XCTAssertEqual(try third.trailer()?["stats"]?["cache_misses"], 0)
    }

    func testAnOversizedEntryIsAMiss() async throws {
        let made = try await Fleet.make(for: self, organizations: 1, projects: 2, alerts: 1)
        let first = try boundedCurrent(made)
        XCTAssertEqual(first.status, 0, first.stderr)
        let entry = alertsEntry(made, project: 0)
        // A sparse file of 65 MiB: over the bound, never read.
        XCTAssertEqual(truncate(entry, 65 << 20), 0)
        let second = try boundedCurrent(made)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(second.streamWithoutTrailer, first.streamWithoutTrailer)
        XCTAssertTrue(second.stderr.contains("cache entry \(entry) ignored: \(65 << 20) bytes"), second.stderr)
    }

    func testACacheDirectoryOthersCanWriteIsRefusedAndLeftAsItIs() async throws {
        let made = try await Fleet.make(for: self, organizations: 1, projects: 1, alerts: 1)
        XCTAssertEqual(mkdir(made.cacheDirectory, 0o700), 0)
        XCTAssertEqual(chmod(made.cacheDirectory, 0o1777), 0)
        let result = try boundedCurrent(made)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("cache directory \(made.cacheDirectory) (from GT_CACHE_DIR) can be written by others (mode 1777)"),
                      result.stderr)
        XCTAssertTrue(result.stderr.contains("set GT_CACHE_DIR to a directory only you can write"), result.stderr)
        XCTAssertEqual(try result.trailer()?["complete"], false)
        var info = stat()
        XCTAssertEqual(stat(made.cacheDirectory, &info), 0)
        XCTAssertEqual(info.st_mode & 0o7777, 0o1777, "the mode was changed")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: made.cacheDirectory), [])
    }

    func testACacheDirectoryOfAnotherUserIsRefused() async throws {
        try XCTSkipUnless(geteuid() == 0, "needs root to give a directory to another user")
        let made = try await Fleet.make(for: self, organizations: 1, projects: 1, alerts: 1)
        XCTAssertEqual(mkdir(made.cacheDirectory, 0o700), 0)
        XCTAssertEqual(chown(made.cacheDirectory, 65534, 65534), 0)
        let result = try boundedCurrent(made)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("cache directory \(made.cacheDirectory) (from GT_CACHE_DIR) belongs to uid 65534"), result.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: made.cacheDirectory), [])
    }

    func testTheDefaultCacheDirectoryNamesTheVariableItCameFrom() async throws {
        let made = try await Fleet.make(for: self, organizations: 1, projects: 1, alerts: 1)
        let shared = made.directory.appendingPathComponent("xdg")
        XCTAssertEqual(mkdir(shared.path, 0o700), 0)
        XCTAssertEqual(mkdir(shared.path + "/gt", 0o777), 0)
        XCTAssertEqual(chmod(shared.path + "/gt", 0o777), 0)
        let result = try Tools.shell("unset GT_CACHE_DIR; exec timeout -s KILL 60 gt-current --data '\(made.dataDirectory)'",
                                     environment: ["GT_SECRETS_FILE": made.secretsFile, "XDG_CACHE_HOME": shared.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("(from XDG_CACHE_HOME) can be written by others (mode 777)"), result.stderr)
    }
}
