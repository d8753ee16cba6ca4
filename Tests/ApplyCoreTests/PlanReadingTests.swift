import ApplyCore
import Foundation
import GTStreams
import GTTestSupport
import XCTest

/// A plan read from any line source (a file here; gt-apply's stdin; a request's body): whole,
/// with the trailer's stats, or refused naming the line (docs/streams.md, "Framing").
final class PlanReadingTests: XCTestCase {
    private typealias F = ApplierFixture

    private func stream(_ body: [JSONValue], complete: Bool = true) throws -> LineReader {
        let path = scratchDirectory().appendingPathComponent("actions.ndjson").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let writer = StreamWriter(stream: .actions, generator: "test", output: FileOutput(fd: fd))
        body.forEach(writer.write)
        writer.finish(complete: complete, stats: ["elapsed_ms": 3])
        close(fd)
        return try LineReader(path: path)
    }

    func testAWholeStreamIsAPlan() throws {
        let (plan, stats) = try ApplyPlan.read(try stream([RunFixture.instance.json, F.create(F.alert("a")).json,
                                                           NoticeRecord(.warning, message: "upstream").json]))
        XCTAssertEqual(plan.instances, ["glitchtip": RunFixture.instance])
        XCTAssertEqual(plan.actions, [F.create(F.alert("a"))])
        XCTAssertEqual(plan.notices.map(\.message), ["upstream"])
        XCTAssertEqual(stats, ["elapsed_ms": 3])
    }

    func testAnIncompleteStreamIsRefused() throws {
        XCTAssertThrowsError(try ApplyPlan.read(try stream([F.create(F.alert("a")).json], complete: false))) { error in
            XCTAssertTrue("\(error)".contains("actions stream"), "\(error)")
        }
    }

    func testARecordThatCannotBeReadNamesItsLine() throws {
        guard case .object(var fields) = F.create(F.alert("a")).json else { return XCTFail() }
        fields["action_type"] = "rename"
        XCTAssertThrowsError(try ApplyPlan.read(try stream([RunFixture.instance.json, .object(fields)]))) { error in
            let error = error as? StreamError
            XCTAssertEqual(error?.stream, "actions")
            XCTAssertEqual(error?.line, 3)
        }
    }
}
