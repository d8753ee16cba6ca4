import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// A held run lock's file says who holds it since when (`<pid> <seconds>`); gt-apply reports a
/// holder older than 600 s as stale, with its age in whole seconds. A stamp no gt-apply wrote
/// (`-1e300`, `-inf`) made that age trap (docs/rules.md, "Numbers"): it is now no stamp, and the
/// run is skipped as for any holder.
final class LockStampTests: SimulatorTestCase {

    func testAStampNoRunWroteIsNoStamp() async throws {
        let scenario = try await Scenario.make(for: self, desired: ["web": [DeclaredAlert(name: "a")]],
                                               current: ["web": []])
        let d = scenario.dataDirectory
        let plan = try Tools.shell("gt-desired --data '\(d)' | gt-diff <(gt-current --data '\(d)' --quiet --refresh)",
                                   environment: scenario.environment)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let path = scenario.directory.appendingPathComponent("apply-gt.lock").path
        for stamp in ["-1e300", "-inf", "inf", "nan", "1e300", "-9223372036854775809"] {
            try "4242 \(stamp)\n".write(toFile: path, atomically: false, encoding: .utf8)
            chmod(path, 0o600)
            let fd = open(path, O_RDONLY)
            XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)  // another run holds it
            let apply = try Tools.run("gt-apply", ["--no-dry-run", "--data", d], stdin: plan.stdout, environment: scenario.environment)
            close(fd)
            XCTAssertFalse(apply.signalled, "stamp \(stamp): \(apply.stderr.suffix(1500))")
            XCTAssertEqual(apply.status, 0, "stamp \(stamp): \(apply.stderr.suffix(1500))")
            XCTAssertEqual(try summary(apply)?["reason"], "duplicate_task", "stamp \(stamp)")
        }
        let mutations = try await scenario.mutations()
        XCTAssertEqual(mutations.count, 0)
    }
}
