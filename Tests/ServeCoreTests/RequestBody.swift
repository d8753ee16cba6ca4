import GTStreams
import ServeCore

/// Request bodies as the reference's client sends them (snake_case, its field names).
enum Body {
    static let secretManager = "https://vault.example.com"

    static func request(_ instances: [JSONValue], dryRun: Bool? = true) -> JSONValue {
        var body: [String: JSONValue] = ["instances": .array(instances)]
        if let dryRun { body["dry_run"] = .bool(dryRun) }
        return .object(body)
    }

    static func instance(_ name: String = "test-instance", url: String, organizations: [JSONValue],
                         secretManager: String = Body.secretManager, path: String = "glitchtip/creds",
                         readTimeout: Int64 = 5, maxRetries: Int64 = 0) -> JSONValue {
        ["name": .string(name), "console_url": .string(url),
         "token": ["secret_manager_url": .string(secretManager), "path": .string(path), "field": "token", "version": nil],
         "read_timeout": .int(readTimeout), "max_retries": .int(maxRetries), "organizations": .array(organizations)]
    }

    static func organization(_ name: String, _ projects: [JSONValue]) -> JSONValue {
        ["name": .string(name), "projects": .array(projects)]
    }

    static func project(_ name: String, slug: String? = nil, _ alerts: [JSONValue]) -> JSONValue {
        var body: [String: JSONValue] = ["name": .string(name), "alerts": .array(alerts)]
        if let slug { body["slug"] = .string(slug) }
        return .object(body)
    }

    static func alert(_ name: String, timespan: Int64 = 5, quantity: Int64 = 100,
                      recipients: [(String, String)] = [("email", "")]) -> JSONValue {
        ["name": .string(name), "timespan_minutes": .int(timespan), "quantity": .int(quantity),
         "recipients": .array(recipients.map { ["recipient_type": .string($0.0), "url": .string($0.1)] })]
    }

    static func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        value.write(to: &out)
        return out
    }

    /// `body` parsed, or the refusal.
    static func parse(_ body: JSONValue) async -> Result<ReconcileRequest, RequestRefusal> {
        await ReconcileRequest.parse(bytes(body))
    }
}

extension Result {
    var refusal: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }

    var value: Success? {
        if case .success(let value) = self { return value }
        return nil
    }
}
