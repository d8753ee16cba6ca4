import Foundation
import XCTest
@testable import GTStreams
@testable import GTGlitchTip
@testable import GTCache

/// The one percent-encoder and what each caller makes of it: URL path segments, form
/// parameters (`quote_plus`), webhook URLs, cache file names, and decoding cache-URL credentials.
final class PercentEncodingTests: XCTestCase {
    func testUnreservedBytesAreKeptAndEveryOtherByteIsTwoUpperCaseHexDigits() {
        XCTAssertEqual(PercentEncoding.encode("AZaz09-._~", keeping: PercentEncoding.isUnreserved), "AZaz09-._~")
        XCTAssertEqual(PercentEncoding.encode("a/b c?d=e&f#g%", keeping: PercentEncoding.isUnreserved),
                       "a%2Fb%20c%3Fd%3De%26f%23g%25")
        // Bytes below 0x10 keep their leading zero; non-ASCII is encoded byte by byte (UTF-8).
        XCTAssertEqual(PercentEncoding.encode("\n\u{1}", keeping: PercentEncoding.isUnreserved), "%0A%01")
        XCTAssertEqual(PercentEncoding.encode("ä€", keeping: PercentEncoding.isUnreserved), "%C3%A4%E2%82%AC")
        XCTAssertEqual(PercentEncoding.encode("", keeping: PercentEncoding.isUnreserved), "")
    }

    func testSpaceAsPlusIsPythonsQuotePlus() {
        // urllib.parse.quote_plus("card payments/+=~") == "card+payments%2F%2B%3D~"
        XCTAssertEqual(PercentEncoding.encode("card payments/+=~", keeping: PercentEncoding.isUnreserved, spaceAsPlus: true),
                       "card+payments%2F%2B%3D~")
        // A space the caller keeps stays a space.
        XCTAssertEqual(PercentEncoding.encode("a b", keeping: { _ in true }, spaceAsPlus: true), "a b")
    }

    func testFileNameSafeBytesAreTheUnreservedOnesWithoutTilde() {
        XCTAssertEqual(PercentEncoding.encode("glitchtip-prod_1.x~", keeping: PercentEncoding.isFileNameSafe),
                       "glitchtip-prod_1.x%7E")
        XCTAssertEqual(PercentEncoding.encode("../etc/passwd", keeping: PercentEncoding.isFileNameSafe), "..%2Fetc%2Fpasswd")
    }

    /// The callers in other layers: GlitchTipPathSegmentTests, CacheDirectoryTests.
    func testWebhookURLsEncodeAsBefore() throws {
        XCTAssertEqual(try normalizedWebhookURL("https://Hooks.Example.com:443/a b/ä?q=<x> 'y'#f\"g"),
                       "https://hooks.example.com/a%20b/%C3%A4?q=%3Cx%3E%20%27y%27#f%22g")
    }

    func testDecodingIsTheInverseAndRefusesABrokenEscape() {
        XCTAssertEqual(PercentEncoding.decode("p%40ss%3Aw%2Fo%2frd+%C3%A4"), "p@ss:w/o/rd+ä")
        XCTAssertEqual(PercentEncoding.decode("plain"), "plain")
        for text in ["ä€ /?&=~", "\u{0}\n%", "x"] {
            XCTAssertEqual(PercentEncoding.decode(PercentEncoding.encode(text, keeping: PercentEncoding.isUnreserved)), text)
        }
        for broken in ["%", "%4", "abc%G1", "%+F", "%-1", "% 1"] {
            XCTAssertNil(PercentEncoding.decode(broken), broken)
        }
    }
}
