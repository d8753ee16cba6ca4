/// The host of a webhook URL as GlitchTip stores it, for the hosts gt reproduces exactly
/// (docs/rules.md, "Webhook URLs"): percent-escapes decoded, ASCII lower-cased; a name of
/// letters, digits, `-`, `_` in non-empty labels, or an IPv4 address written `a.b.c.d`.
///
/// Everything else is refused rather than guessed: WHATWG runs a non-ASCII or `xn--` name
/// through IDNA (UTS #46 mapping, Punycode, validity rules), reads a name whose last label is a
/// number as an IPv4 address in any of its forms (`1.2.3`, `0x7f.1`, `010.0.0.1`, `16909060`),
/// compresses IPv6 addresses, and allows host characters (`!`, `$`, `~`…) whose treatment differs
/// between versions of the `url` crate.
enum WebhookURLHost {
    static func parse(_ text: ArraySlice<Unicode.Scalar>) throws(WebhookURLRefusal) -> String {
        guard !text.isEmpty else { throw WebhookURLRefusal("it has no host") }
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let scalar = text[index]
            if scalar == "%", index + 2 < text.endIndex, let high = hexValue(text[index + 1]), let low = hexValue(text[index + 2]) {
                bytes.append(high << 4 | low)
                index += 3
                continue
            }
            guard scalar.isASCII else { throw internationalised }
            bytes.append(UInt8(scalar.value))
            index += 1
        }
        guard bytes.allSatisfy({ $0 < 0x80 }) else { throw internationalised }
        let host = String(decoding: bytes, as: UTF8.self).lowercased()
        guard host.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }) else {
            throw WebhookURLRefusal("its host has a character other than letters, digits, '-', '_' and '.'")
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.allSatisfy({ !$0.isEmpty }) else {
            throw WebhookURLRefusal("its host has an empty label (a dot at either end, or two in a row)")
        }
        guard !labels.contains(where: { $0.hasPrefix("xn--") }) else { throw internationalised }
        if let last = labels.last, last.allSatisfy(\.isASCIIDigit) || last.hasPrefix("0x") {
            guard labels.count == 4, labels.allSatisfy(isDecimalOctet) else {
                throw WebhookURLRefusal("its host ends in a number but is not an IPv4 address written a.b.c.d (0 to 255, no leading zeros)")
            }
        }
        return host
    }

    private static let internationalised = WebhookURLRefusal(
        "its host is an internationalised domain name (non-ASCII or xn--): gt does not reproduce GlitchTip's IDNA processing")

    /// `0` to `255` in decimal without leading zeros: the one IPv4 form that serialises as written.
    private static func isDecimalOctet(_ label: Substring) -> Bool {
        guard (1...3).contains(label.count), label.allSatisfy(\.isASCIIDigit), label == "0" || !label.hasPrefix("0"),
              let value = Int(label) else { return false }
        return value <= 255
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt8? {
        switch scalar {
        case "0"..."9": UInt8(scalar.value - 0x30)
        case "a"..."f": UInt8(scalar.value - 0x61 + 10)
        case "A"..."F": UInt8(scalar.value - 0x41 + 10)
        default: nil
        }
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) && isASCII }
}
