import Foundation
import GTStreams
import GTGlitchTip
import GTTestSupport
import XCTest

/// Three alert keys set to 200 MB pushed gt-current to 1.4–1.6 GB, exit 0, no warning. The
/// shared tier reads an entry only within the file tier's cap (64 MiB), asking its size first
/// (README, "What gt never does"): a larger entry, or one that is not a string, is a miss with a
/// warning naming its key, and the fresh listing replaces it.
final class RedisEntrySizeTests: SimulatorTestCase {

    /// `SETRANGE key 70000000 x`: the sealed entry, then zeros, 70,000,001 bytes in all.
    private static let oversized = 70_000_001

    func testOversizedAndForeignEntriesAreMissesWithAWarningAndMemoryStaysFarBelow() async throws {
        let dir = scratchDirectory()
        let redis = try startRedis(in: dir)
        let fleet = try await Fleet.make(for: self, in: dir, organizations: 1, projects: 6, alerts: 2)
        let a = host("a", in: dir, url: redis.url()), b = host("b", in: dir, url: redis.url())
        let cold = try fleet.current(environment: a)
        XCTAssertEqual(cold.status, 0, cold.stderr)

        let key = { (project: Int) in "glitchtip:gt-00:gt-00-org-00:\(Fleet.projectName(0, project)):alerts" }
        let oversized = [key(1), key(3), key(4)]
        for k in oversized { try redis.cli(["SETRANGE", k, "70000000", "x"]) }
        for k in oversized { XCTAssertEqual(try redis.cli(["STRLEN", k]).trimmingCharacters(in: .whitespacesAndNewlines), "\(Self.oversized)") }
        // A list where a string belongs: malformed, not a reason to give up on the tier.
        try redis.cli(["DEL", key(5)])
        try redis.cli(["RPUSH", key(5), "planted-list-item"])
        try await fleet.sim.clearRequests()

        let measured = dir.appendingPathComponent("peak").path
        let warm = try Tools.shell("\(PeakMemory.prefix(writingTo: measured)) gt-current --data '\(fleet.dataDirectory)'",
                                   environment: fleet.environment.merging(b) { $1 })
        let (status, peakKiB) = try PeakMemory.read(measured)
        XCTAssertEqual(status, 0, warm.stderr)
        XCTAssertEqual(warm.streamWithoutTrailer, cold.streamWithoutTrailer)
        // Nothing of the 210 MB was read: less than one entry in all (below).
        XCTAssertLessThan(peakKiB, Self.oversized / 1024, "peak RSS \(peakKiB) KiB")
        let warnings = warm.stderr.split(separator: "\n").map(String.init)
        for k in oversized {
            XCTAssertEqual(warnings.filter { $0.contains("shared cache entry \(k) ignored: \(Self.oversized) bytes, over 67108864") }.count,
                           1, warm.stderr)
        }
        XCTAssertEqual(warnings.filter { $0.contains("shared cache entry \(key(5)) ignored: not a string value") }.count, 1, warm.stderr)
        XCTAssertFalse(warm.stderr.contains("planted-list-item"), warm.stderr)
        XCTAssertFalse(warm.stderr.contains("shared cache unavailable"), warm.stderr)
        XCTAssertEqual(warnings.count, 4, warm.stderr)
        // Exactly those four listings were fetched, and their fresh entries replaced the keys.
        let paths = try await requestPaths(fleet.sim)
        XCTAssertEqual(Set(paths), Set([1, 3, 4, 5].map { "/api/0/projects/gt-00-org-00/\(Fleet.projectName(0, $0))/alerts/" }))
        for k in oversized + [key(5)] {
            XCTAssertEqual(try redis.cli(["TYPE", k]).trimmingCharacters(in: .whitespacesAndNewlines), "string")
            XCTAssertLessThan(Int(try redis.cli(["STRLEN", k]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? .max, 4096)
        }
        let again = try Tools.shell("\(PeakMemory.prefix(writingTo: measured)) gt-current --data '\(fleet.dataDirectory)'",
                                    environment: fleet.environment.merging(b) { $1 })
        XCTAssertEqual(again.stderr, "")
        XCTAssertEqual(try again.trailer()?["stats"]?["cache_hits"], .int(1 + 1 + 6))
        // And no more than a warm run whose entries are all sound, give or take 8 MiB.
        let (againStatus, soundPeakKiB) = try PeakMemory.read(measured)
        XCTAssertEqual(againStatus, 0)
        XCTAssertLessThan(peakKiB, soundPeakKiB + 8 * 1024, "peak RSS \(peakKiB) KiB against \(soundPeakKiB) KiB")
    }
}
