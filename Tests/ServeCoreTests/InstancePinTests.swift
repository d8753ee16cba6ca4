import Foundation
import GTStreams
import GTTestSupport
import ServeCore
import XCTest

/// `gt-serve --instances FILE`: a task reaches an instance only at the URL, and with the token,
/// its pin names. A request may name any URL and any secret; without pins the token it names
/// would go to the URL it names.
final class InstancePinTests: SimulatorTestCase {
    private let create = [Body.organization("my-org", [Body.project("my-project", [Body.alert("new-alert")])])]

    private func pins(_ fixture: ServeFixture, url: String? = nil, path: String = "glitchtip/creds") -> InstancePins {
        InstancePins(pins: ["test-instance": .init(consoleURL: url ?? fixture.sim.baseURL, path: path, field: "token")])
    }

    /// The request's console_url is another server (an attacker's): the instance fails, named,
    /// and no request at all reaches that server, so the token never leaves.
    func testAConsoleURLOtherThanThePinnedOneGetsNoToken() async throws {
        let fixture = try await ServeFixture.make(for: self, organizations: ServeFixture.myOrg([]))
        let elsewhere = try startSimulator()
        var settings = ReconcileTask.Settings()
        settings.pins = pins(fixture)
        let body = Body.request([Body.instance(url: elsewhere.baseURL, organizations: create)], dryRun: false)
        let result = try await fixture.run(body, settings: settings)
        XCTAssertEqual(result.status, .failed)
        XCTAssertEqual(result.actions, [])
        XCTAssertEqual(result.errors.count, 1, "\(result.errors)")
        XCTAssertTrue(result.errors[0].contains("instance 'test-instance': console_url \(elsewhere.baseURL) is not the one"), result.errors[0])
        let reached = try await elsewhere.requestLog().requests.count
        XCTAssertEqual(reached, 0, "the other server was sent a request")
        let sent = try await fixture.sim.requestLog().requests.count
        XCTAssertEqual(sent, 0)
        XCTAssertFalse("\(result.json)".contains(ServeFixture.token))
    }

    /// The right URL with another instance's secret: refused alone, before any read; an instance
    /// the file does not pin is refused too; the pinned one runs.
    func testAnotherSecretOrAnUnpinnedInstanceIsRefusedAlone() async throws {
        let fixture = try await ServeFixture.make(for: self, organizations: ServeFixture.myOrg([]))
        var settings = ReconcileTask.Settings()
        settings.pins = InstancePins(pins: [
            "test-instance": .init(consoleURL: fixture.sim.baseURL, path: "glitchtip/creds", field: "token"),
            "borrower": .init(consoleURL: fixture.sim.baseURL, path: "glitchtip/own-creds", field: "token"),
        ])
        let body = Body.request([
            Body.instance(url: fixture.sim.baseURL, organizations: create),
            Body.instance("borrower", url: fixture.sim.baseURL, organizations: create, path: "glitchtip/creds"),
            Body.instance("unpinned", url: fixture.sim.baseURL, organizations: create),
        ])
        let result = try await fixture.run(body, settings: settings)
        XCTAssertEqual(result.actionLines, ["create test-instance/my-org/my-project/new-alert"])
        XCTAssertEqual(result.errors.count, 2, "\(result.errors)")
        let errors = result.errors.joined(separator: "\n")
        XCTAssertTrue(errors.contains("instance 'borrower': its token reference glitchtip/creds#token is not the one"), errors)
        XCTAssertTrue(errors.contains("instance 'unpinned' is not in the instances file"), errors)
    }

    /// The file: YAML or JSON; every wrong field refused by its place, before gt-serve serves.
    func testTheInstancesFile() throws {
        let directory = scratchDirectory()
        func read(_ text: String) -> Result<InstancePins, InputError> {
            let path = directory.appendingPathComponent("pins.yml").path
            try? text.write(toFile: path, atomically: true, encoding: .utf8)
            do { return .success(try InstancePins.read(path: path)) } catch { return .failure(error) }
        }
        let good = read("""
            instances:
              glitchtip-prod:
                console_url: https://glitchtip.example.com
                token: {path: app-sre/glitchtip/prod, field: token, version: 3}
            """)
        XCTAssertEqual(good.value?.pins["glitchtip-prod"],
                       .init(consoleURL: "https://glitchtip.example.com", path: "app-sre/glitchtip/prod", field: "token", version: 3))
        let refused: [(String, String)] = [
            ("instances: {a: {console_url: 'https://x', token: {path: p, field: f}, extra: 1}}", "instances.a.extra: unknown field"),
            ("instances: {a: {console_url: 'https://u:pw@x', token: {path: p, field: f}}}", "instances.a.console_url: must not carry a user name"),
            ("instances: {a: {console_url: 'file:///etc', token: {path: p, field: f}}}", "instances.a.console_url: must be an http or https URL"),
            ("instances: {a: {console_url: 'https://x', token: {path: '', field: f}}}", "instances.a.token.path: must not be empty"),
            ("instances: {a: {console_url: 'https://x', token: {path: p, field: f, version: -1}}}", "instances.a.token.version"),
            ("instances: {a: {console_url: 'https://x'}}", "instances.a.token: missing required field"),
            ("instances: {}", "instances: pins no instance"),
            ("pins: {}", "pins: unknown field"),
            ("[1, 2", "cannot be read as YAML or JSON"),
        ]
        for (text, expected) in refused {
            let message = read(text).refusal.map { "\($0)" } ?? "accepted"
            XCTAssertTrue(message.contains(expected), "\(text): \(message)")
            XCTAssertFalse(message.contains("pw@"), message)
        }
        XCTAssertTrue("\(read("x").refusal.map { "\($0)" } ?? "")".contains("instances file \(directory.path)/pins.yml"))
    }
}
