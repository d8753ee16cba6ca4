import GTStreams
import ServeHTTP
import XCTest

/// The `QAPI_*` settings as the reference reads them, except that there is no default
/// secret: gt-serve refuses to start without one of at least 32 bytes, naming the variable
/// and never its value.
final class SettingsTests: XCTestCase {
    private let secret = "a-secret-of-exactly-thirty-two-b"

    private func refusal(_ environment: [String: String]) -> String? {
        do {
            _ = try ServeSettings.read(environment)
            return nil
        } catch {
            return error.message
        }
    }

    func testNoSecretOrAShortOneIsRefused() throws {
        XCTAssertEqual(secret.utf8.count, 32)
        XCTAssertTrue(refusal([:])?.hasPrefix("QAPI_JWT_SECRET_KEY is not set: gt-serve has no default secret") ?? false)
        XCTAssertTrue(refusal(["QAPI_JWT_SECRET_KEY": ""])?.hasPrefix("QAPI_JWT_SECRET_KEY is not set") ?? false)
        let short = "planted-short-secret-31-bytes!!"
        XCTAssertEqual(refusal(["QAPI_JWT_SECRET_KEY": short]), "QAPI_JWT_SECRET_KEY has 31 bytes: at least 32 are needed")
        XCTAssertNil(refusal(["QAPI_JWT_SECRET_KEY": secret]))
    }

    func testOnlyHS256IsAccepted() {
        XCTAssertNil(refusal(["QAPI_JWT_SECRET_KEY": secret, "QAPI_JWT_ALGORITHM": "HS256"]))
        for algorithm in ["none", "HS512", "RS256", "hs256"] {
            XCTAssertEqual(refusal(["QAPI_JWT_SECRET_KEY": secret, "QAPI_JWT_ALGORITHM": algorithm]),
                           "QAPI_JWT_ALGORITHM must be HS256 (the only algorithm gt-serve signs and accepts)", algorithm)
        }
    }

    func testTheOtherSettings() throws {
        let settings = try ServeSettings.read([
            "QAPI_JWT_SECRET_KEY": secret, "QAPI_JWT_EXPIRE_DAYS": "30", "QAPI_JWT_REVOKED_SUBJECTS": #"["old-ci", "intern"]"#,
            "QAPI_API_TASK_MAX_TIMEOUT": "600", "QAPI_API_TASK_DEFAULT_TIMEOUT": "60",
        ])
        XCTAssertEqual(settings.jwtExpireDays, 30)
        XCTAssertEqual(settings.revokedSubjects, ["old-ci", "intern"])
        XCTAssertEqual(settings.maxTimeout, 600)
        XCTAssertEqual(settings.defaultTimeout, 60)
        let defaults = try ServeSettings.read(["QAPI_JWT_SECRET_KEY": secret, "QAPI_API_TASK_DEFAULT_TIMEOUT": "None"])
        XCTAssertEqual(defaults.jwtExpireDays, 180)
        XCTAssertEqual(defaults.maxTimeout, 300)
        XCTAssertNil(defaults.defaultTimeout)
        XCTAssertEqual(defaults.revokedSubjects, [])
    }

    func testBadValuesNameTheirVariable() {
        let cases: [(String, String, String)] = [
            ("QAPI_JWT_EXPIRE_DAYS", "0", "QAPI_JWT_EXPIRE_DAYS must be an integer from 1 to 3650, got '0'"),
            ("QAPI_JWT_EXPIRE_DAYS", "1e17", "QAPI_JWT_EXPIRE_DAYS must be an integer from 1 to 3650, got '1e17'"),
            ("QAPI_API_TASK_MAX_TIMEOUT", "-1", "QAPI_API_TASK_MAX_TIMEOUT must be an integer from 1 to 86400, got '-1'"),
            ("QAPI_API_TASK_DEFAULT_TIMEOUT", "301", "QAPI_API_TASK_DEFAULT_TIMEOUT must be an integer from 1 to 300, got '301'"),
            ("QAPI_API_TASK_DEFAULT_TIMEOUT", "inf", "QAPI_API_TASK_DEFAULT_TIMEOUT must be an integer from 1 to 300, got 'inf'"),
            ("QAPI_JWT_REVOKED_SUBJECTS", "old-ci", #"QAPI_JWT_REVOKED_SUBJECTS must be a JSON list of strings (e.g. ["ci-old"])"#),
            ("QAPI_JWT_REVOKED_SUBJECTS", "[1]", #"QAPI_JWT_REVOKED_SUBJECTS must be a JSON list of strings (e.g. ["ci-old"])"#),
        ]
        for (name, value, message) in cases {
            XCTAssertEqual(refusal(["QAPI_JWT_SECRET_KEY": secret, name: value]), message, "\(name)=\(value)")
        }
    }
}
