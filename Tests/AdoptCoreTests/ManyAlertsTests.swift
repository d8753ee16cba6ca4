import AppInterface
import GTStreams
import XCTest
@testable import AdoptCore

/// A GlitchTip project with thousands of UI-made alerts: each rule is checked once per alert, not
/// by building the project again for each (which took 220 s for 2,000 alerts in a debug build).
final class ManyAlertsTests: XCTestCase {
    func testThreeThousandUndeclaredAlertsAreAdoptedOnceEach() throws {
        let alerts = (0..<3000).map {
            AdoptionFixture.live("a\($0)", pk: Int64($0 + 1), [("webhook", "https://alerts.example.com/x\($0 % 2999)"), ("email", "")])
        }
        let adoption = try AdoptionFixture.adopt(AdoptionFixture.current(alerts))
        XCTAssertEqual(adoption.adopted.count, 2999)
        XCTAssertEqual(adoption.leftOut.map(\.name), ["a2999"], "a0 and a2999 share a URL: the later in name order is left out")
    }
}
