import GTStreams
import GTGlitchTip
import GTCLI
import XCTest

/// Shared rules: Django's slugify with the reference's own vectors (docs/rules.md, "Project
/// slug") and GlitchTip's URL normalisation as observed on a real server (docs/rules.md,
/// "Webhook URLs").
final class SlugifyAndURLTests: XCTestCase {
    func testSlugifyReferenceVectors() {
        let vectors = [
            "Simple": "simple", "Test123": "test123", "Test 1 2 3": "test-1-2-3", "Test-1 2 3": "test-1-2-3",
            "Test-1_2 3": "test-1_2-3", "Hello World": "hello-world", "  leading-trailing  ": "leading-trailing",
            "with_underscore": "with_underscore", "Special! Chars@#": "special-chars", "multiple   spaces": "multiple-spaces",
            "UPPER CASE": "upper-case", "__a__": "a", "Ünïcode Name_x!": "ünïcode-name_x",
        ]
        for (input, expected) in vectors { XCTAssertEqual(slugify(input), expected, input) }
    }

    func testWebhookURLsNormaliseLikeGlitchTip() throws {
        XCTAssertEqual(try normalizedWebhookURL("HTTPS://Hooks.Example.com"), "https://hooks.example.com/")
        XCTAssertEqual(try normalizedWebhookURL("https://hooks.example.com/a b?x=1&y=ä#frag"),
                       "https://hooks.example.com/a%20b?x=1&y=%C3%A4#frag")
        XCTAssertEqual(try normalizedWebhookURL("https://user:pw@Discord.com:443/api/webhooks/1/"),
                       "https://user:pw@discord.com/api/webhooks/1/")
        XCTAssertEqual(try normalizedWebhookURL("http://h.example:80/x"), "http://h.example/x")
        XCTAssertEqual(try normalizedWebhookURL("http://h.example:8080/x?a=%20"), "http://h.example:8080/x?a=%20")
        XCTAssertEqual(try normalizedWebhookURL("https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t"),
                       "https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t")
        XCTAssertThrowsError(try normalizedWebhookURL("secret"))
        XCTAssertEqual(try normalizedWebhookURL("http://gjb.com/BOARD?"), "http://gjb.com/BOARD?")
    }
}
