@testable import AppInterface
import GTStreams
import XCTest

/// The emitter's strings read back as the same strings (by libyaml through gt's YAML 1.1
/// reader), on one line each.
final class YAMLEmitterTests: XCTestCase {
    /// Strings that YAML 1.1 would read as something else, or that break a plain scalar.
    static let oddStrings: [String] = [
        "", " ", "  lead", "trail ", "yes", "No", "ON", "off", "y", "n", "true", "False", "null", "Null", "~", "-", "--", "---",
        "...", "1e3", "1E3", "0x1F", "0o17", "017", "0b101", "12:30", "190:20:30", "1_000", "+1", "-1", ".5", "1.", "-.inf",
        ".NaN", "2026-12-07", "2026-12-07T10:00:00Z", "=", "<<", "a: b", "a:b", "a:", "a #b", "a# b", "#x", "- x", "-x", "* x",
        "*x", "&x", "!x", "!!str", "%x", "@x", "`x", "|", ">", "'", "\"", "'q'", "\"q\"", "?", "? x", ",", "[a]", "{a: 1}",
        "a, b", "x]", "line\nbreak", "\n", "tab\there", "\t", "cr\rlf", "back\\slash", "\\n", "nul\u{0}", "bell\u{7}",
        "esc\u{1B}", "del\u{7F}", "nel\u{85}", "ls\u{2028}ps\u{2029}", "bom\u{FEFF}", "\u{FFFE}\u{FFFF}", "é", "日本語",
        "🚀 rocket", "https://hooks.slack.com/services/T0/B0/xyz?a=1&b=2#frag", "a  b", "Adopted from GlitchTip: 2026-12-07",
        "key: value # comment", "\u{10FFFF}", "\u{E000}", "a\u{A0}b",
    ]

    private func readBack(_ node: YAMLNode, indent: Int = 0) throws -> JSONValue? {
        let lines = YAMLEmitter.sequenceItem(node, indent: indent)
        return try YAMLDocument.parse("items:\n" + lines.joined(separator: "\n") + "\n")["items"]
    }

    func testEveryOddStringReadsBackEqualAsValueAndKey() throws {
        for s in Self.oddStrings {
            let node = YAMLNode.map([.init(key: s, value: .string(s)), .init(key: "k", value: .list([.string(s)]))])
            XCTAssertEqual(try readBack(node), .array([node.jsonValue]), s.debugDescription)
            XCTAssertEqual(try readBack(.string(s), indent: 2), .array([.string(s)]), s.debugDescription)
            XCTAssertEqual(YAMLEmitter.sequenceItem(.string(s), indent: 0).count, 1, s.debugDescription)
        }
    }

    /// Every code point below 0x100 and the Unicode line separators, alone and inside text.
    func testEveryControlCharacterReadsBack() throws {
        let scalars = (0..<0x100).compactMap(Unicode.Scalar.init) + ["\u{2028}", "\u{2029}", "\u{FEFF}"]
        for scalar in scalars {
            for s in [String(scalar), "a\(scalar)b"] {
                XCTAssertEqual(try readBack(.string(s)), .array([.string(s)]), s.debugDescription)
            }
        }
    }

    func testPlainOnlyWhereSafe() {
        XCTAssertEqual(YAMLEmitter.scalar("payments-api"), "payments-api")
        XCTAssertEqual(YAMLEmitter.scalar("https://example.com/a?b=c#d"), "https://example.com/a?b=c#d")
        XCTAssertEqual(YAMLEmitter.scalar("Adopted from GlitchTip on 2026-12-07"), "Adopted from GlitchTip on 2026-12-07")
        XCTAssertEqual(YAMLEmitter.scalar("Größe"), "Größe")
        XCTAssertEqual(YAMLEmitter.scalar("yes"), "\"yes\"")
        XCTAssertEqual(YAMLEmitter.scalar("12:30"), "\"12:30\"")
        XCTAssertEqual(YAMLEmitter.scalar("1e3"), "\"1e3\"")
        XCTAssertEqual(YAMLEmitter.scalar(""), "\"\"")
        XCTAssertEqual(YAMLEmitter.scalar("a: b"), "\"a: b\"")
        XCTAssertEqual(YAMLEmitter.scalar("say \"hi\"\n\t\\"), #""say \"hi\"\n\t\\""#)
        XCTAssertEqual(YAMLEmitter.scalar("\u{0}\u{7F}\u{85}\u{2028}"), #""\x00\x7F\x85\u2028""#)
    }

    func testAnAlertItemsShape() {
        XCTAssertEqual(YAMLEmitter.sequenceItem(DatafileEditFixtures.alert("a"), indent: 2).map { $0 + "\n" }.joined(),
                       DatafileEditFixtures.lines("a", indent: 2))
        XCTAssertEqual(YAMLEmitter.sequenceItem(.list([.int(-1), .list([]), .map([]), .list([.string("x")])]), indent: 0),
                       ["- - -1", "  - []", "  - {}", "  - - x"])
        XCTAssertEqual(YAMLEmitter.sequenceItem(.map([.init(key: "m", value: .map([.init(key: "k", value: .int(Int64.min))]))]), indent: 1),
                       [" - m:", "     k: -9223372036854775808"])
    }

    func testNestedValuesReadBack() throws {
        let node = YAMLNode.list([.int(Int64.max), .map([.init(key: "a", value: .list([.map([]), .list([.list([.string("yes")])])]))])])
        XCTAssertEqual(try readBack(node, indent: 3), .array([node.jsonValue]))
    }

    /// A very long string (200,000 characters, with every odd piece) stays on one line.
    func testAVeryLongStringReadsBack() throws {
        let s = String(repeating: Self.oddStrings.joined(separator: "|"), count: 200_000 / 600 + 1)
        let lines = YAMLEmitter.sequenceItem(.string(s), indent: 0)
        XCTAssertEqual(lines.count, 1)
        XCTAssertEqual(try readBack(.string(s)), .array([.string(s)]))
    }

    /// Random strings over the characters that matter to YAML read back equal.
    func testRandomStringsReadBack() throws {
        let alphabet = Array("ab: #-?'\"\\\n\t\r,[]{}&*!|>%@`~=<.+01eE_xyésnoNO\u{85}\u{2028}\u{0}\u{1F}🚀")
        var rng = SplitMix(seed: 23)
        for _ in 0..<3_000 {
            let s = String((0..<Int(rng.next() % 12)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
            XCTAssertEqual(try readBack(.map([.init(key: s, value: .string(s))])), .array([.object([s: .string(s)])]), s.debugDescription)
        }
    }
}

/// A seeded generator, so a failure repeats.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
