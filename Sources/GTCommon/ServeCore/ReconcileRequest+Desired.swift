import AppInterface
import DesiredCore
import DiffCore
import GTStreams

/// The desired stream's body a request stands for: the records gt-desired writes for the same
/// fleet, each read back and checked as gt-diff reads a desired record.
public struct DesiredRecords: Sendable {
    /// By name.
    public let instances: [InstanceRecord]
    /// In stream order.
    public let projects: [EncodedRecord]
    /// Every managed project's key (instance, organization name, slug), in stream order.
    public let keys: [ProjectKey]
}

extension ReconcileRequest {
    /// The request as App-Interface's model, each part's `origin` its place in the body
    /// (``ValidationDetail/origin(_:)``), so a rule's message leads back to a `loc`. Webhook
    /// URLs are declared, never secrets; no project has `jira`: the client sends the bridge
    /// alert it built as a declared alert.
    public var desiredModel: AppInterfaceModel {
        var instances: [AppInterfaceModel.Instance] = []
        var projects: [AppInterfaceModel.Project] = []
        for (i, instance) in self.instances.enumerated() {
            instances.append(AppInterfaceModel.Instance(
                name: instance.name, consoleURL: instance.consoleURL, automationToken: instance.token.ref,
                readTimeout: instance.readTimeout, maxRetries: instance.maxRetries, origin: ValidationDetail.origin(Self.place(i))))
            for (o, organization) in instance.organizations.enumerated() {
                for (p, project) in organization.projects.enumerated() {
                    let place = Self.place(i, .key("organizations"), .index(o), .key("projects"), .index(p))
                    let alerts = project.alerts.enumerated().map { a, alert in
                        AppInterfaceModel.Alert(
                            name: alert.name, quantity: .int(alert.quantity), timespanMinutes: .int(alert.timespanMinutes),
                            recipients: alert.recipients.map { $0.type == .email ? .email(url: $0.url) : .webhook(url: $0.url, urlSecret: nil) },
                            origin: ValidationDetail.origin(place + [.key("alerts"), .index(a)]))
                    }
                    // `projectId` is App-Interface's explicit slug: the slug as sent.
                    projects.append(AppInterfaceModel.Project(
                        name: project.name, projectID: project.slug, organization: organization.name, instance: instance.name,
                        alerts: alerts, jira: nil, origin: ValidationDetail.origin(place)))
                }
            }
        }
        return AppInterfaceModel(instances: instances, projects: projects)
    }

    /// The desired records, or every rule the request breaks, as gt-desired (DesiredCore's
    /// ``DesiredStream``: each project's rules, an instance or project declared twice,
    /// organizations that resolve to one) and gt-diff (``DecodedRecord/desired(_:)``, with
    /// ``DesiredProjectRules``) refuse it, with their messages.
    public func desiredRecords(spillDirectory: String = "/tmp") async -> Result<DesiredRecords, RequestRefusal> {
        let model = desiredModel
        let catalog = AppInterfaceCatalog(model: model)
        let stream = DesiredStream(catalog: catalog, instanceFilter: nil, secrets: SecretSupply(open: { nil }),
                                   spillDirectory: spillDirectory, bridgeAlert: .declared)
        let built: DesiredStream.Built
        switch await stream.build() {
        case .success(let records): built = records
        case .failure(let failure): return .failure(RequestRefusal(details: failure.messages.map(Self.detail)))
        }
        var instances: [InstanceRecord] = []
        var projects: [EncodedRecord] = []
        var details: [ValidationDetail] = []
        let origins = Dictionary(model.projects.map { (ProjectKey(instance: $0.instance, organization: $0.organization,
                                                                    project: $0.slug), $0.origin) }) { first, _ in first }
        func decoded(_ json: JSONValue, origin: String) {
            do {
                switch try DecodedRecord.desired(StreamRecord(kind: json["kind"] == "instance" ? .instance : .project, value: json, line: 0)).body {
                case .instance(let instance): instances.append(instance)
                default: projects.append(EncodedRecord(json))
                }
            } catch {
                details.append(Self.detail("\(origin): \(error)"))
            }
        }
        let instanceOrigins = Dictionary(model.instances.map { ($0.name, $0.origin) }) { first, _ in first }
        for instance in built.instances { decoded(instance.json, origin: instanceOrigins[instance.name] ?? "body") }
        built.projects.drain { record in
            guard let json = try? JSONValue(parsing: record.bytes) else { return }
            let key = ProjectKey(instance: json["instance"]?.stringValue ?? "", organization: json["organization"]?.stringValue ?? "",
                                 project: json["project"]?.stringValue ?? "")
            decoded(json, origin: origins[key] ?? "body")
        }
        guard details.isEmpty else { return .failure(RequestRefusal(details: details)) }
        return .success(DesiredRecords(instances: instances, projects: projects, keys: (try? catalog.projectKeys()) ?? []))
    }

    /// A rule's message (`origin: message`) as a detail at the origin's place.
    static func detail(_ message: String) -> ValidationDetail {
        if let colon = message.firstRange(of: ": "), let loc = ValidationDetail.steps(message[..<colon.lowerBound]) {
            return ValidationDetail(loc: loc, msg: "Value error, \(message[colon.upperBound...])", type: "value_error")
        }
        return ValidationDetail(loc: [.key("body")], msg: "Value error, \(message)", type: "value_error")
    }
}
