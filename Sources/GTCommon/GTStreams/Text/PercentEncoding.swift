/// Percent-encoding (RFC 3986, section 2.1), the one implementation every caller shares: URL
/// path segments, form parameters of the Jira bridge URL, webhook URLs as GlitchTip stores them,
/// cache and lock file names, and the credentials of a cache URL. Callers differ only in which
/// bytes they keep, so that is the parameter; the encoding itself (UTF-8 bytes, `%` and two
/// upper-case hex digits) is the same everywhere.
public enum PercentEncoding {
    /// `text` with every UTF-8 byte that `keep` refuses written as `%XX`. With `spaceAsPlus`, a
    /// space becomes `+` instead (HTML form encoding, Python's `quote_plus`).
    public static func encode(_ text: String, keeping keep: (UInt8) -> Bool, spaceAsPlus: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if keep(byte) {
                out.append(byte)
            } else if spaceAsPlus && byte == UInt8(ascii: " ") {
                out.append(UInt8(ascii: "+"))
            } else {
                out += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3986's unreserved characters: `A-Z a-z 0-9 - . _ ~`, the bytes no URL component needs
    /// encoded.
    public static func isUnreserved(_ byte: UInt8) -> Bool {
        isFileNameSafe(byte) || byte == UInt8(ascii: "~")
    }

    /// `A-Z a-z 0-9 - . _`: what cache entry and lock file names keep as it is (the unreserved
    /// set without `~`, as those names have always been made).
    public static func isFileNameSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }

    /// The bytes `%XX` stand for, as UTF-8 text (invalid sequences replaced); nil when a `%` is
    /// not followed by two hex digits.
    public static func decode(_ text: String) -> String? {
        var out: [UInt8] = []
        var bytes = text.utf8.makeIterator()
        while let byte = bytes.next() {
            guard byte == UInt8(ascii: "%") else {
                out.append(byte)
                continue
            }
            guard let high = bytes.next().flatMap(hexValue), let low = bytes.next().flatMap(hexValue) else { return nil }
            out.append(high << 4 | low)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
