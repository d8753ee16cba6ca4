@testable import GTGlitchTip
import XCTest

/// A name in an API path is one percent-encoded segment (the one encoder: PercentEncodingTests).
final class GlitchTipPathSegmentTests: XCTestCase {
    func testPathSegmentsEncodeAsBefore() {
        XCTAssertEqual(GlitchTipClient.segment("my-org_1.x~"), "my-org_1.x~")
        XCTAssertEqual(GlitchTipClient.segment("a/b c"), "a%2Fb%20c")
    }
}
