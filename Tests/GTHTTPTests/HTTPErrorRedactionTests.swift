import GTHTTP
import GTStreams
import XCTest

/// Text a server sends back is scrubbed of anything URL-like before an HTTP error quotes it
/// (docs/streams.md, "Redaction").
final class HTTPErrorRedactionTests: XCTestCase {
    func testAnHTTPErrorScrubsTheBodyItQuotes() {
        let error = HTTPError.status(400, url: RedactedURL("http://127.0.0.1:1/api/0/projects/nasa/web/alerts/"),
                                     detail: "Enter a valid URL: https://hooks.slack.com/services/T0/B0/planted-echo-secret")
        XCTAssertEqual(error.description,
                       "http://127.0.0.1:1/api/0/projects/nasa/web/alerts/: HTTP 400: Enter a valid URL: https://hooks.slack.com/services/…")
    }
}
