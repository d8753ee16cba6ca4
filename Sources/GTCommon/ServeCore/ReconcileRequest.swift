import AppInterface
import GTStreams

/// A reconcile request (the reference's `GlitchtipProjectAlertsReconcileRequest`): the
/// instances, each with its token's reference, read timeout, retries and desired
/// organizations, projects and alerts; and whether to apply. Made only by ``parse(_:)``, so a
/// value has passed every check: the model's, and every rule gt-desired and gt-diff apply to
/// the same desired state (``desiredRecords(spillDirectory:)``).
public struct ReconcileRequest: Sendable, Equatable {
    public struct Instance: Sendable, Equatable {
        public var name: String
        public var consoleURL: String
        public var token: Token
        /// Seconds, 1 to 3600 (0, null or absent: 30, as App-Interface's `readTimeout`).
        public var readTimeout: Int64
        /// 0 to 10 (0, null or absent: 3, as App-Interface's `maxRetries`).
        public var maxRetries: Int64
        public var organizations: [Organization]
    }

    /// Where the instance's token is: a secret manager's URL and the secret's path, field and
    /// version (the reference's `Secret`).
    public struct Token: Sendable, Equatable {
        public var secretManagerURL: String
        public var ref: SecretRef
    }

    public struct Organization: Sendable, Equatable {
        public var name: String
        public var projects: [Project]
    }

    public struct Project: Sendable, Equatable {
        public var name: String
        /// As sent, else `slugify(name)`.
        public var slug: String
        public var alerts: [Alert]
    }

    public struct Alert: Sendable, Equatable {
        public var name: String
        public var timespanMinutes: Int64
        public var quantity: Int64
        public var recipients: [Recipient]
    }

    public struct Recipient: Sendable, Equatable {
        public enum Kind: String, Sendable { case email, webhook }
        public var type: Kind
        /// Empty for e-mail, a URL for a webhook (as sent: the rules write it as GlitchTip stores it).
        public var url: String
    }

    public var instances: [Instance]
    /// Only plan (the default), or apply too.
    public var dryRun: Bool
    /// The desired records ``parse(_:spillDirectory:)`` built while checking the request, kept
    /// so its task does not build them again; nil for a request made otherwise.
    var checked: DesiredRecords?

    /// Two requests are equal when they ask the same: the records they stand for follow.
    public static func == (a: ReconcileRequest, b: ReconcileRequest) -> Bool {
        a.instances == b.instances && a.dryRun == b.dryRun
    }

    /// Where each part was declared (``ValidationDetail/origin(_:)``): instance `i` at
    /// `body.instances.i`, and so on down.
    static func place(_ instance: Int, _ rest: ValidationDetail.Step...) -> [ValidationDetail.Step] {
        [.key("body"), .key("instances"), .index(instance)] + rest
    }
}

extension ReconcileRequest {
    /// The request in `body`, or every reason to refuse it (HTTP 422): a body that is not JSON
    /// (`json_invalid`), each field the model refuses, then, on a body the model accepts, each
    /// rule of gt's desired state it breaks, with gt-desired's message (``desiredRecords(spillDirectory:)``).
    /// - Parameter spillDirectory: where the desired records wait while they are checked
    ///   (``SystemCall/temporaryDirectory(environment:)``).
    public static func parse(_ body: [UInt8], spillDirectory: String = "/tmp") async -> Result<ReconcileRequest, RequestRefusal> {
        let document: JSONValue
        do { document = try JSONValue(parsing: body) } catch {
            // jansson quotes the token it stopped at (`invalid token near '…'`): an unquoted
            // one may be part of a webhook URL's secret path, so only the reason and place are said.
            let reason = error.message.firstRange(of: " near ").map { error.message[..<$0.lowerBound] } ?? error.message[...]
            return .failure(RequestRefusal(details: [
                ValidationDetail(loc: [.key("body"), .index(max(0, error.column))],
                                 msg: "JSON decode error: \(reason) (line \(error.line), column \(error.column))", type: "json_invalid"),
            ]))
        }
        var fields = RequestFields()
        let request = read(document, &fields)
        guard fields.details.isEmpty else { return .failure(RequestRefusal(details: fields.details)) }
        guard var request else { return .failure(RequestRefusal(details: fields.details)) }
        switch await request.desiredRecords(spillDirectory: spillDirectory) {
        case .success(let records): request.checked = records
        case .failure(let refusal): return .failure(refusal)
        }
        return .success(request)
    }

    private static func read(_ document: JSONValue, _ fields: inout RequestFields) -> ReconcileRequest? {
        guard let body = fields.model(document, at: [.key("body")], named: "GlitchtipProjectAlertsReconcileRequest") else { return nil }
        let dryRun = fields.bool(body, "dry_run", at: [.key("body")], fallback: true)
        let instances = fields.list(body, "instances", at: [.key("body")], required: true)?.compactMap { value, loc in
            readInstance(value, at: loc, &fields)
        }
        guard let dryRun, let instances else { return nil }
        return ReconcileRequest(instances: instances, dryRun: dryRun)
    }

    private static func readInstance(_ value: JSONValue, at loc: [ValidationDetail.Step], _ fields: inout RequestFields) -> Instance? {
        guard let body = fields.model(value, at: loc, named: "GlitchtipInstance") else { return nil }
        let name = fields.string(body, "name", at: loc, nonEmpty: true)
        var consoleURL = fields.string(body, "console_url", at: loc)
        if let url = consoleURL {
            do { consoleURL = try InstanceRecord.checkedConsoleURL(url, field: "console_url") } catch {
                fields.fail(loc + [.key("console_url")], "value_error", "Value error, \(error.message)")
                consoleURL = nil
            }
        }
        let token: Token? = body["token"].map { readToken($0, at: loc + [.key("token")], &fields) } ?? {
            fields.fail(loc + [.key("token")], "missing", "Field required")
            return nil
        }()
        let readTimeout = fields.int(body, "read_timeout", at: loc, in: 0...NumberRange.readTimeout.upperBound, fallback: 30,
                                     nullIsAbsent: true)
        let maxRetries = fields.int(body, "max_retries", at: loc, in: NumberRange.maxRetries, fallback: 3, nullIsAbsent: true)
        let organizations = fields.list(body, "organizations", at: loc)?.compactMap { value, loc in
            readOrganization(value, at: loc, &fields)
        }
        guard let name, let consoleURL, let token, let readTimeout, let maxRetries, let organizations else { return nil }
        return Instance(name: name, consoleURL: consoleURL, token: token, readTimeout: readTimeout == 0 ? 30 : readTimeout,
                        maxRetries: maxRetries == 0 ? 3 : maxRetries, organizations: organizations)
    }

    private static func readToken(_ value: JSONValue, at loc: [ValidationDetail.Step], _ fields: inout RequestFields) -> Token? {
        guard let body = fields.model(value, at: loc, named: "Secret") else { return nil }
        let url = fields.string(body, "secret_manager_url", at: loc)
        let path = fields.string(body, "path", at: loc, nonEmpty: true)
        // The reference allows no field; gt reads a token from one field of its secret, as
        // App-Interface's `vaultSecret` always names one.
        var field: String?
        if let value = body["field"], !value.isNull {
            field = fields.string(value, at: loc + [.key("field")], nonEmpty: true)
        } else {
            fields.fail(loc + [.key("field")], "value_error",
                        "Value error, gt reads an instance's token from one field of its secret: set field")
        }
        var version: Int64?
        var versionRefused = false
        if let value = body["version"], !value.isNull {
            version = fields.int(body, "version", at: loc, in: NumberRange.secretVersion)
            versionRefused = version == nil
        }
        guard let url, let path, let field, !versionRefused else { return nil }
        return Token(secretManagerURL: url, ref: SecretRef(path: path, field: field, version: version))
    }
}
