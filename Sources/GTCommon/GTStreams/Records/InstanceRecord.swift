/// An `instance` record: how to reach a GlitchTip instance. The token is a reference
/// (`{path, field, version?, format}`), never a value, checked when the record is read.
public struct InstanceRecord: Sendable, Equatable {
    public var name: String
    public var consoleURL: String
    public var token: SecretRef
    public var readTimeout: Int64
    public var maxRetries: Int64

    public init(name: String, consoleURL: String, token: SecretRef, readTimeout: Int64, maxRetries: Int64) {
        self.name = name
        self.consoleURL = consoleURL
        self.token = token
        self.readTimeout = readTimeout
        self.maxRetries = maxRetries
    }

    public var json: JSONValue {
        ["kind": "instance", "name": .string(name), "console_url": .string(consoleURL), "token": token.json,
         "read_timeout": .int(readTimeout), "max_retries": .int(maxRetries)]
    }

    public init(_ f: JSONField) throws {
        name = try f.name("name")
        consoleURL = try Self.checkedConsoleURL(f.required("console_url").string(), field: "console_url")
        token = try SecretRef(f.required("token"))
        readTimeout = try f.optionalInt("read_timeout", in: NumberRange.readTimeout) ?? 30
        maxRetries = try f.optionalInt("max_retries", in: NumberRange.maxRetries) ?? 3
    }
}

extension InstanceRecord {
    /// `url`, unless it carries userinfo (`https://user:password@…`): gt reaches GlitchTip with
    /// the instance's token, and the URL is written on stdout in every `instance` record, so a
    /// password in it would be printed (docs/streams.md, "Redaction"). The error shows the URL
    /// redacted. A `\` is refused too: WHATWG (and URLParts) read it as `/`, libcurl as part of
    /// the user info, so `https://glitchtip.example.com\@evil.example.com` is one host to the
    /// check and another to the request that carries the token.
    public static func checkedConsoleURL(_ url: String, field: String) throws(JSONFieldError) -> String {
        guard !url.contains("\\") else {
            throw JSONFieldError(path: field, message: "must not contain '\\' (\(RedactedURL.display(url))): URL readers disagree "
                                 + "on where it ends the host; write the URL with '/'")
        }
        guard URLParts(url).userinfo == nil else {
            throw JSONFieldError(path: field, message: "must not carry a user name or password (\(RedactedURL.display(url))): "
                                 + "GlitchTip is reached with the automation token; remove the userinfo from the URL")
        }
        return url
    }
}
