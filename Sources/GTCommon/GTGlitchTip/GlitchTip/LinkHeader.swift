import GTStreams
/// The next page of a GlitchTip listing, read from its `Link` header.
///
/// GlitchTip's django-ninja paginator assigns a Python set to the header, so what arrives is
/// its repr: `{'<URL>; rel="previous"; results="false", <URL>; rel="next"; results="true";
/// cursor="…"'}`. The DRF era sent the same parts as a plain string. Both are read by looking
/// for each `<URL>` and the parameters after it; a next page exists only when the link says
/// `rel="next"` and `results="true"`.
public enum LinkHeader {
    public struct Link: Equatable, Sendable {
        public let url: String
        public let parameters: [String: String]
    }

    public static func links(in values: [String]) -> [Link] {
        values.flatMap(links(in:))
    }

    public static func links(in value: String) -> [Link] {
        var links: [Link] = []
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let url = String(rest[rest.index(after: open)..<close])
            let after = rest[rest.index(after: close)...]
            let paramsEnd = after.firstIndex(of: "<") ?? after.endIndex
            links.append(Link(url: url, parameters: parameters(after[..<paramsEnd])))
            rest = after[paramsEnd...]
        }
        return links
    }

    private static func parameters(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        for part in text.split(separator: ";") {
            guard let eq = part.firstIndex(of: "=") else { continue }
            let key = part[..<eq].filter { !" ,{}'".contains($0) }.lowercased()
            var value = part[part.index(after: eq)...].trimmed(" ")
            // The last parameter of the set repr ends in `'}`, and a link in `, `.
            while let last = value.last, "'},".contains(last) || last == " " { value.removeLast() }
            result[key] = value.trimmed("\"")
        }
        return result
    }

    /// The URL of the next page, or nil on the last page.
    public static func nextPage(in values: [String]) -> String? {
        links(in: values).first { $0.parameters["rel"] == "next" && $0.parameters["results"] == "true" }?.url
    }
}
