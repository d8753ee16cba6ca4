import CurrentCore
import Foundation
import GTStreams
import GTTestSupport
import Synchronization
import XCTest

/// What a front end hands the fetch (a fleet of keys, a stream writer) taken as it comes:
/// keys in any order or twice, and a sink whose notices follow the stream.
final class ManagedFleetTests: XCTestCase {
    func testKeysInAnyOrderOrTwiceAreManagedOnceInStreamOrder() async throws {
        let keys = CurrentFixture.keys("gt", "Acme", "web", "api", "web", "Web") + CurrentFixture.keys("alpha", "Acme", "web")
        let fleet = ManagedFleet(instances: [CurrentFixture.instance("gt"), CurrentFixture.instance("alpha")], keys: keys)
        XCTAssertEqual(fleet.instances.map(\.name), ["alpha", "gt"])
        XCTAssertEqual(fleet.managed["gt"], ["Acme": ["Web", "api", "web"]])

        let server = InMemoryListings()
        server.addOrganization("Acme", slug: "acme", projects: [(slug: "web", name: "Web", alerts: []),
                                                                (slug: "api", name: "API", alerts: [])])
        let records = try await CurrentFixture(self, servers: ["gt": server]).run(keys, instances: ["gt"])
        XCTAssertEqual(records.all.map(\.kind.rawValue), ["instance", "missing", "warning", "project", "project"])
        XCTAssertEqual(server.log.filter { $0.hasPrefix("alerts") }.sorted(), ["alerts acme/api", "alerts acme/web"])
    }

    /// Each notice reaches the front end in stream order, and only notices do.
    func testTheWriterSinkHandsOnEachNoticeInStreamOrder() throws {
        let path = scratchDirectory().appendingPathComponent("stream").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let output = FileOutput(fd: fd, name: path)
        let writer = StreamWriter(stream: .current, generator: "test", output: output)
        let seen = Mutex<[String]>([])
        let sink = StreamWriterSink(writer: writer) { record in
            seen.withLock { $0.append("\(record.kind.rawValue) \(record.message ?? "")") }
        }
        sink.write(EncodedRecord(CurrentFixture.instance("gt").json))
        sink.write(EncodedRecord(NoticeRecord(.warning, instance: "gt", message: "first").json))
        sink.write(EncodedRecord(MissingRecord(instance: "gt", organization: "Acme").json))
        sink.write(EncodedRecord(NoticeRecord(.error, instance: "gt", message: "second").json))
        writer.finish()
        close(fd)
        XCTAssertEqual(seen.withLock { $0 }, ["warning first", "error second"])
        XCTAssertEqual(writer.errors, 1)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 6)
    }
}
