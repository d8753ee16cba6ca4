import Foundation
import GTStreams
import GTTestSupport
import ServeCore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A task applies under gt-apply's per-instance run locks, and reads each instance's token only
/// from the store its request names.
final class TaskLockAndTokenTests: SimulatorTestCase {
    private let create = [Body.organization("my-org", [Body.project("my-project", [Body.alert("new-alert")])])]

    /// Holds `instance`'s run lock as a cron gt-apply would (an exclusive flock on its file).
    private func holdLock(_ fixture: ServeFixture, _ instance: String) throws -> Int32 {
        let locks = fixture.directory.appendingPathComponent("locks")
        try FileManager.default.createDirectory(at: locks, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let fd = open(locks.appendingPathComponent("apply-\(instance).lock").path, O_CREAT | O_RDWR, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)
        addTeardownBlock { close(fd) }
        return fd
    }

    /// The reference's GET answer for a skipped task; nothing sent to GlitchTip.
    func testATaskOnAnInstanceAnotherRunHoldsIsSkipped() async throws {
        let fixture = try await ServeFixture.make(for: self, organizations: ServeFixture.myOrg([]))
        let fd = try holdLock(fixture, "test-instance")
        let skipped = try await fixture.run(fixture.body(create, dryRun: false))
        XCTAssertEqual(skipped.json, ["status": "success", "actions": [], "applied_actions": [], "applied_count": 0,
                                      "errors": ["Task skipped: duplicate_task"]])
        let mutations = try await fixture.mutations()
        XCTAssertEqual(mutations, [])

        // A dry run takes no lock (as gt-apply's): it plans while the other run holds it.
        let planned = try await fixture.run(fixture.body(create, dryRun: true))
        XCTAssertEqual(planned.actionLines, ["create test-instance/my-org/my-project/new-alert"])

        flock(fd, LOCK_UN)
        let applied = try await fixture.run(fixture.body(create, dryRun: false))
        XCTAssertEqual(applied.appliedCount, 1, "\(applied.errors)")
    }

    /// Two tasks on one instance at once, in one process: the second finds the first's lock.
    func testOfTwoTasksOnOneInstanceTheSecondIsSkipped() async throws {
        let fixture = try await ServeFixture.make(for: self, organizations: ServeFixture.myOrg([]))
        // The create is stored at once and answered 3 s later: the first task holds its lock meanwhile.
        try await fixture.sim.faults([["method": "POST", "path": "/api/0/projects/", "match": "prefix", "times": 0,
                                       "action": "delay", "delay_ms": 3000, "after_process": true]])
        let body = fixture.body(create, dryRun: false)
        let first = Task { try await fixture.run(body) }
        let stored = try await eventually(within: 30) { try await fixture.alertNames() == ["new-alert"] }
        XCTAssertTrue(stored, "the first task's create never arrived")
        let second = try await fixture.run(body)
        XCTAssertEqual(second.errors, ["Task skipped: duplicate_task"])
        let applied = try await first.value
        XCTAssertEqual(applied.appliedCount, 1, "\(applied.errors)")
        let mutations = try await fixture.mutations()
        XCTAssertEqual(mutations.count, 1)
    }

    /// Overlapping instance sets exclude each other: the lock is per instance, not per set.
    func testALockOnOneOfItsInstancesSkipsTheTask() async throws {
        let fixture = try await ServeFixture.make(for: self, organizations: ServeFixture.myOrg([]))
        _ = try holdLock(fixture, "other")
        let body = Body.request([Body.instance(url: fixture.sim.baseURL, organizations: create),
                                 Body.instance("other", url: fixture.sim.baseURL, organizations: [])], dryRun: false)
        let result = try await fixture.run(body)
        XCTAssertEqual(result.errors, ["Task skipped: duplicate_task"])
        let mutations = try await fixture.mutations()
        XCTAssertEqual(mutations, [])
    }

    /// With Vault configured, a token whose secret_manager_url is not VAULT_ADDR is not read:
    /// that instance fails alone, named; the other is planned from Vault's token.
    func testATokenNoConfiguredStoreServesFailsItsInstanceAlone() async throws {
        let fixture = try await ServeFixture.make(for: self, organizations: ServeFixture.myOrg([]))
        try await fixture.sim.admin(.post, "/__admin/vault", ["tokens": ["planted-vault-token"],
                                                              "secrets": ["secret/glitchtip/creds": [["token": .string(ServeFixture.token)]]]])
        let vault = ["VAULT_ADDR": fixture.sim.baseURL + "/", "VAULT_TOKEN": "planted-vault-token", "GT_SECRETS_FILE": ""]
        let body = Body.request([
            Body.instance("served", url: fixture.sim.baseURL, organizations: create, secretManager: fixture.sim.baseURL,
                          path: "secret/glitchtip/creds"),
            Body.instance("elsewhere", url: fixture.sim.baseURL, organizations: create, secretManager: "https://other-vault.example.com",
                          path: "secret/glitchtip/creds"),
        ])
        let result = try await fixture.run(body, environment: vault)
        XCTAssertEqual(result.status, .failed)
        XCTAssertEqual(result.actionLines, ["create served/my-org/my-project/new-alert"])
        XCTAssertEqual(result.errors.count, 1, "\(result.errors)")
        let error = try XCTUnwrap(result.errors.first)
        XCTAssertTrue(error.contains("instance 'elsewhere'") && error.contains("https://other-vault.example.com"), error)
        let vaultReads = try await fixture.sim.requestLog().matching("GET", "/v1/").count
        XCTAssertEqual(vaultReads, 1, "only the served instance's token was read")
        XCTAssertFalse("\(result.json)".contains(ServeFixture.token) || "\(result.json)".contains("planted-vault-token"))
    }

    /// Without any secret store, each instance fails, named; nothing is read.
    func testNoSecretStore() async throws {
        let fixture = try await ServeFixture.make(for: self, organizations: ServeFixture.myOrg([]))
        let result = try await fixture.run(fixture.body(create), environment: ["GT_SECRETS_FILE": ""])
        XCTAssertEqual(result.status, .failed)
        XCTAssertEqual(result.actions, [])
        XCTAssertEqual(result.errors.count, 1, "\(result.errors)")
        XCTAssertTrue(result.errors[0].contains("instance 'test-instance': no secret store is set"), result.errors[0])
        let requests = try await fixture.sim.requestLog().requests
        XCTAssertEqual(requests.count, 0)
    }

    /// A secrets file answers any reference, whatever its URL; a token missing from it fails its
    /// instance by the secret's path and field, never a value.
    func testASecretsFileAnswersEveryReference() async throws {
        let fixture = try await ServeFixture.make(for: self, organizations: ServeFixture.myOrg([]))
        let body = Body.request([
            Body.instance("any-url", url: fixture.sim.baseURL, organizations: create, secretManager: "https://anything.example.com"),
            Body.instance("missing", url: fixture.sim.baseURL, organizations: create, path: "glitchtip/absent"),
        ])
        let result = try await fixture.run(body, environment: ["VAULT_ADDR": "https://vault.example.com", "VAULT_TOKEN": "t"])
        XCTAssertEqual(result.actionLines, ["create any-url/my-org/my-project/new-alert"])
        XCTAssertEqual(result.errors.count, 1, "\(result.errors)")
        XCTAssertTrue(result.errors[0].hasPrefix("missing: ") && result.errors[0].contains("glitchtip/absent#token"), result.errors[0])
        XCTAssertFalse("\(result.json)".contains(ServeFixture.token))
    }
}
