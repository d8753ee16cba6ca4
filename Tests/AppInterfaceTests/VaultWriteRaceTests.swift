import Foundation
@testable import AppInterface
import GTStreams
import GTTestSupport
import XCTest
import GTHTTP

/// What happens between gt's read and its write, and when the write's answer is lost: another
/// writer's change is never overwritten (Vault's check-and-set refuses it), a reset after Vault
/// stored the write is success once a fresh read shows the values, and a deleted secret is left
/// for a person.
final class VaultWriteRaceTests: VaultWriteTestCase {
    func testAChangeBetweenReadAndWriteIsRefusedNotOverwritten() async throws {
        try await configureVault(writesAfterRead: [["path": "secret/gt/prod/acme/api", "data": ["other": "planted-other-value"]]])
        let writer = try writer()
        let message = await failure { try await writer.add(NewSecret(path: "secret/gt/prod/acme/api", fields: ["alert-1": hook])) }
        XCTAssertTrue(message.hasPrefix("secret secret/gt/prod/acme/api: Vault refused the write"), message)
        XCTAssertTrue(message.contains("the secret changed while gt wrote (now version 2): nothing overwritten"), message)
        let stored = try await versions("secret/gt/prod/acme/api")
        XCTAssertEqual(stored, [["other": "planted-kept-value"], ["other": "planted-other-value"]])
        let writes = try await posts("secret/data/gt/prod/acme/api")
        XCTAssertEqual(writes, 1, "the refused write was sent again")
    }

    /// Another writer created the secret between gt's read (none) and its write (cas 0).
    func testANewSecretMadeMeanwhileIsRefusedNotOverwritten() async throws {
        try await configureVault(writesAfterRead: [["path": "secret/gt/prod/acme/web", "data": ["alert-1": "planted-other-value"]]])
        let writer = try writer()
        let message = await failure { try await writer.add(NewSecret(path: "secret/gt/prod/acme/web", fields: ["alert-1": hook])) }
        XCTAssertTrue(message.contains("between gt's read (version 0) and its write"), message)
        XCTAssertTrue(message.contains("nothing overwritten"), message)
        let stored = try await versions("secret/gt/prod/acme/web")
        XCTAssertEqual(stored, [["alert-1": "planted-other-value"]])
    }

    /// Another writer wrote the very values meanwhile: nothing left to do.
    func testTheSameValuesWrittenMeanwhileAreAlreadyThere() async throws {
        try await configureVault(writesAfterRead: [["path": "secret/gt/prod/acme/web", "data": ["alert-1": .string(hook)]]])
        let outcome = try await writer().add(NewSecret(path: "secret/gt/prod/acme/web", fields: ["alert-1": hook]))
        XCTAssertEqual(outcome, .alreadyThere)
        let stored = try await versions("secret/gt/prod/acme/web")
        XCTAssertEqual(stored?.count, 1)
    }

    func testAResetAfterVaultStoredTheWriteIsSuccess() async throws {
        try await sim.faults([["method": "POST", "path": "/v1/secret/data/gt/prod/acme/api", "action": "reset_after"]])
        let outcome = try await writer().add(NewSecret(path: "secret/gt/prod/acme/api", fields: ["alert-1": hook]))
        XCTAssertEqual(outcome, .alreadyThere)
        let stored = try await versions("secret/gt/prod/acme/api")
        XCTAssertEqual(stored, [["other": "planted-kept-value"], ["other": "planted-kept-value", "alert-1": .string(hook)]])
        let writes = try await posts("secret/data/gt/prod/acme/api")
        XCTAssertEqual(writes, 1, "the POST was sent again")
    }

    func testAResetBeforeVaultActedSaysNothingWasWritten() async throws {
        try await sim.faults([["method": "POST", "path": "/v1/secret/data/gt/prod/acme/api", "action": "reset"]])
        let writer = try writer()
        let message = await failure { try await writer.add(NewSecret(path: "secret/gt/prod/acme/api", fields: ["alert-1": hook])) }
        XCTAssertTrue(message.hasPrefix("secret secret/gt/prod/acme/api: the write's answer was lost"), message)
        XCTAssertTrue(message.contains("version 1 unchanged: nothing written"), message)
        let stored = try await versions("secret/gt/prod/acme/api")
        XCTAssertEqual(stored?.count, 1)
    }

    /// The answer lost and the read after it failing too: the message says the outcome is
    /// unknown, not "nothing written".
    func testALostAnswerAndAFailedReadSayTheOutcomeIsUnknown() async throws {
        try await sim.faults([["method": "POST", "path": "/v1/secret/data/gt/prod/acme/api", "action": "reset_after"],
                              ["method": "GET", "path": "/v1/secret/data/gt/prod/acme/api", "action": "status", "status": 503, "nth": 2]])
        let writer = try writer()
        let message = await failure { try await writer.add(NewSecret(path: "secret/gt/prod/acme/api", fields: ["alert-1": hook])) }
        XCTAssertTrue(message.hasPrefix("secret secret/gt/prod/acme/api: the write's answer was lost"), message)
        XCTAssertTrue(message.contains("a fresh read failed too"), message)
        XCTAssertTrue(message.contains("HTTP 503"), message)
        XCTAssertTrue(message.contains("whether it was written is unknown"), message)
    }

    func testA5xxAfterVaultStoredTheWriteIsSuccess() async throws {
        try await sim.faults([["method": "POST", "path": "/v1/secret/data/gt/prod/acme/web", "action": "status_after", "status": 502]])
        let outcome = try await writer().add(NewSecret(path: "secret/gt/prod/acme/web", fields: ["alert-1": hook]))
        XCTAssertEqual(outcome, .alreadyThere)
        let stored = try await versions("secret/gt/prod/acme/web")
        XCTAssertEqual(stored, [["alert-1": .string(hook)]])
    }

    /// A latest version deleted on purpose is not written over.
    func testADeletedLatestVersionIsLeftForAPerson() async throws {
        let writer = try writer()
        let message = await failure { try await writer.add(NewSecret(path: "secret/gt/prod/acme/gone", fields: ["alert-1": hook])) }
        XCTAssertTrue(message.contains("the latest version (2) is deleted or destroyed"), message)
        let stored = try await versions("secret/gt/prod/acme/gone")
        XCTAssertEqual(stored?.count, 2)
        let writes = try await posts("secret/data/gt/prod/acme/gone")
        XCTAssertEqual(writes, 0)
    }

    /// Two writers adding different fields to one secret at once: both land (the loser of the
    /// check-and-set finds its field missing and reports, never overwriting the winner).
    func testTwoWritersAtOnceNeverLoseAField() async throws {
        let one = try writer()
        let two = try writer()
        let hook = hook
        async let first = try? one.add(NewSecret(path: "secret/gt/prod/acme/api", fields: ["alert-1": hook]))
        async let second = try? two.add(NewSecret(path: "secret/gt/prod/acme/api", fields: ["alert-2": "planted-other-value"]))
        let outcomes = await [first, second]
        let stored = try await versions("secret/gt/prod/acme/api")
        let latest = try XCTUnwrap(stored?.last?.objectValue)
        XCTAssertEqual(latest["other"], "planted-kept-value")
        for (index, outcome) in outcomes.enumerated() where outcome != nil {
            XCTAssertNotNil(latest[index == 0 ? "alert-1" : "alert-2"], "a write reported \(outcome!) but its field is gone")
        }
        XCTAssertTrue(outcomes.contains { $0 != nil })
    }
}
