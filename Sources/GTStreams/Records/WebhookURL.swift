/// Webhook URLs the way GlitchTip stores them (pydantic `HttpUrl`; docs/rules.md, "Webhook URLs"):
/// scheme and host lower-cased, the default port dropped, `/` for an empty path, space and
/// non-ASCII percent-encoded (WHATWG encode sets), userinfo, query and fragment otherwise kept.
/// Comparing normalised URLs is what keeps a correct alert from showing as changed.
///
/// Anything that is not an absolute http(s) URL is returned unchanged (GlitchTip will refuse it
/// when it is sent). Not done: IDNA for non-ASCII host names, dot-segment removal.
public func normalizedWebhookURL(_ url: String) -> String {
    let parts = URLParts(url)
    let scheme = parts.scheme.lowercased()
    guard scheme == "http" || scheme == "https", !parts.hostPort.isEmpty else { return url }
    var host = parts.hostPort.lowercased()
    let defaultPort = scheme == "https" ? ":443" : ":80"
    if host.hasSuffix(defaultPort) { host.removeLast(defaultPort.count) }
    if host.hasSuffix(":") { host.removeLast() }
    var out = scheme + "://"
    if let userinfo = parts.userinfo { out += percentEncode(userinfo, extra: "\"<>`{}") + "@" }
    out += host
    out += parts.path.isEmpty ? "/" : percentEncode(parts.path, extra: "\"<>`{}")
    if let query = parts.query { out += "?" + percentEncode(query, extra: "\"<>'") }
    if let fragment = parts.fragment { out += "#" + percentEncode(fragment, extra: "\"<>`") }
    return out
}

/// WHATWG's encode sets: controls, space, non-ASCII and the component's `extra` bytes.
private func percentEncode(_ text: String, extra: String) -> String {
    PercentEncoding.encode(text, keeping: { byte in byte > 0x20 && byte < 0x7F && !extra.utf8.contains(byte) })
}
