import Glibc

/// The day an adoption is written (UTC, `YYYY-MM-DD`), for the adopted alerts' descriptions.
/// `SOURCE_DATE_EPOCH` (seconds since 1970, the reproducible-builds convention) fixes it, so a
/// test or a review can regenerate the same patch byte for byte.
enum AdoptionDate {
    static func today(environment: [String: String]) -> String {
        var seconds = time(nil)
        if let fixed = environment["SOURCE_DATE_EPOCH"], let value = Int(fixed), value >= 0, value < 253_402_300_800 {
            seconds = time_t(value)
        }
        return format(seconds, "%Y-%m-%d")
    }

    /// `YYYYmmdd-HHMMSS` (UTC) now: the default secrets file's name.
    static func stamp() -> String { format(time(nil), "%Y%m%d-%H%M%S") }

    private static func format(_ seconds: time_t, _ pattern: String) -> String {
        var value = seconds
        var parts = tm()
        gmtime_r(&value, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, pattern, &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
