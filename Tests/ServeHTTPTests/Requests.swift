import GTStreams

/// Request bodies as the reference's client sends them (snake_case, its field names).
enum Requests {
    static func request(_ instances: [JSONValue], dryRun: Bool = true) -> JSONValue {
        ["instances": .array(instances), "dry_run": .bool(dryRun)]
    }

    static func instance(_ name: String = "test-instance", url: String, organizations: [JSONValue]) -> JSONValue {
        ["name": .string(name), "console_url": .string(url),
         "token": ["secret_manager_url": "https://vault.example.com", "path": "glitchtip/creds", "field": "token", "version": nil],
         "read_timeout": 5, "max_retries": 0, "organizations": .array(organizations)]
    }

    static func organization(_ name: String, _ projects: [JSONValue]) -> JSONValue {
        ["name": .string(name), "projects": .array(projects)]
    }

    static func project(_ name: String, _ alerts: [JSONValue]) -> JSONValue {
        ["name": .string(name), "alerts": .array(alerts)]
    }

    static func alert(_ name: String, recipients: [(String, String)] = [("email", "")]) -> JSONValue {
        ["name": .string(name), "timespan_minutes": 5, "quantity": 100,
         "recipients": .array(recipients.map { ["recipient_type": .string($0.0), "url": .string($0.1)] })]
    }

    /// `my-org/my-project` with `alerts`.
    static func myProject(_ alerts: [JSONValue]) -> [JSONValue] { [organization("my-org", [project("my-project", alerts)])] }
}
