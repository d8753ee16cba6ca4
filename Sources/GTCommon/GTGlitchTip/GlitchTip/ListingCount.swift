import GTStreams
import GTHTTP
/// What a listing's pages announce about its length: GlitchTip sends `X-Hits` (the total, capped
/// at `X-Max-Hits`) on every page. A listing whose pages add up to fewer items than announced
/// is missing some (a short page, an empty last page): taken as the whole list, its missing
/// alerts would be created again. Such a listing is refused (docs/safety.md, "A listing must
/// add up").
struct ListingCount {
    /// Every `X-Hits` sent, in page order.
    private(set) var announced: [Int] = []
    /// The cap `X-Hits` is clipped to, when the server said (`X-Max-Hits`).
    private(set) var maxHits: Int?

    /// Notes one page's headers. A value that is not a number is treated as absent.
    mutating func add(_ response: HTTPResponse) {
        if let hits = response.header("X-Hits").flatMap({ Int($0.trimmedWhitespace) }), hits >= 0 {
            announced.append(hits)
        }
        if let cap = response.header("X-Max-Hits").flatMap({ Int($0.trimmedWhitespace) }), cap > 0 {
            maxHits = cap
        }
    }

    /// Why `count` items do not agree with what the pages announced, or nil when they do (or
    /// when no page announced anything).
    func disagreement(count: Int) -> String? {
        guard let first = announced.first else { return nil }
        if announced.contains(where: { $0 != first }) {
            let values = announced.map(String.init).joined(separator: ", ")
            return "the pages announced different totals (X-Hits \(values)): the listing changed while it was read"
        }
        // At the cap, X-Hits only says "at least this many".
        if let maxHits, first >= maxHits {
            return count >= first ? nil
                : "the server announced at least \(first) items (X-Hits at X-Max-Hits) but its pages held \(count)"
        }
        return count == first ? nil
            : "the server announced \(first) items (X-Hits) but its pages held \(count)"
    }
}
