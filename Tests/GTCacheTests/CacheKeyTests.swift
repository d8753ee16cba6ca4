import GTCache
import GTStreams
import XCTest

/// The cache's keys are the reference's, and how long each lives is read from the
/// environment within its range (docs/rules.md, "Numbers").
final class CacheKeyTests: XCTestCase {
    func testAnActionsAlertsKeyUsesTheOrganizationsSlug() {
        let action = ActionRecord(type: .delete, instance: "prod", organization: "App SRE", organizationSlug: "app-sre",
                                  project: "api", alertName: "old", pk: 4)
        XCTAssertEqual(CacheKey.alerts(action.apiProjectKey), "glitchtip:prod:app-sre:api:alerts")
    }

    func testCacheTTLsFromTheEnvironment() throws {
        let variable = "QAPI_GLITCHTIP_ALERTS_CACHE_TTL"
        for text in ["inf", "-inf", "nan", "1e17", "100000000000000000", "-1", "1.5", "0x10", "2592001",
                     "9223372036854775808", "-9223372036854775809", " 60", "60 ", "+60", "٦٠"] {
            XCTAssertThrowsError(try CacheTTLs.fromEnvironment([variable: text]), text) { error in
                XCTAssertTrue("\(error)".hasPrefix("\(variable)="), "\(error)")
            }
        }
        XCTAssertEqual(try CacheTTLs.fromEnvironment([variable: "2592000"]).alerts, 2_592_000)
        XCTAssertEqual(try CacheTTLs.fromEnvironment([variable: "0"]).alerts, 0)
        XCTAssertEqual(try CacheTTLs.fromEnvironment([:]), CacheTTLs())
    }
}
