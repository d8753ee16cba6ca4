import XCTest
@testable import GTStreams

/// A malformed document's error says why and where, never what it stopped at: jansson quotes
/// an unquoted token (`'}' expected near '…'`), which in a broken line may be a webhook URL's
/// secret path, and every reader passes the error on to stderr.
final class JSONErrorTextTests: XCTestCase {
    private func message(_ text: String) -> String {
        do {
            _ = try JSONValue(parsing: text)
            XCTFail("parsed: \(text)")
            return ""
        } catch {
            return "\(error.message) (line \(error.line), column \(error.column))"
        }
    }

    func testNoTokenOfTheDocumentIsQuoted() {
        for text in [#"{"kind":"project","url":https://hooks.example.com/plantedsecret}"#,
                     #"{"kind":"project","n":123plantedsecret}"#,
                     #"{"url":"x" plantedsecret}"#, "[plantedsecret]"] {
            let said = message(text)
            XCTAssertFalse(said.contains("plantedsecret"), said)
            XCTAssertFalse(said.contains("near"), said)
            XCTAssertFalse(said.hasPrefix(" "), said)
        }
        XCTAssertEqual(message(#"{"n":123plantedsecret}"#), "'}' expected (line 1, column 21)")
    }

    func testADuplicateKeyIsNamed() {
        XCTAssertEqual(message(#"{"pk":1,"pk":2}"#), #"duplicate object key near '"pk"' (line 1, column 12)"#)
    }
}
