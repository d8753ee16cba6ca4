import AppInterface
import GTStreams
@testable import AdoptCore

/// Projects, alerts and an instance for the adoption tests, in as few words as the tests need.
enum AdoptionFixture {
    static let instance = AppInterfaceModel.Instance(
        name: "glitchtip-prod", consoleURL: "https://glitchtip.example.com",
        automationToken: SecretRef(path: "app-sre/creds/glitchtip", field: "token"),
        jiraBridgeAlertURL: "https://jira-bridge.example.com/api/v1/jira", origin: "instances/prod.yml")

    static let settings = AdoptionSettings(secretPath: "app-sre/gt-adopted/", adoptedOn: "2026-12-07")

    static func project(_ alerts: [AppInterfaceModel.Alert] = [], jira: AppInterfaceModel.Jira? = nil) -> AppInterfaceModel.Project {
        AppInterfaceModel.Project(name: "api-gateway", projectID: nil, organization: "App SRE", instance: "glitchtip-prod",
                                  alerts: alerts, jira: jira, origin: "projects/api-gateway.yml")
    }

    static func declared(_ name: String, _ recipients: [AppInterfaceModel.Recipient] = [.email(url: nil)],
                         quantity: Int64 = 10, timespan: Int64 = 5) -> AppInterfaceModel.Alert {
        AppInterfaceModel.Alert(name: name, quantity: .int(quantity), timespanMinutes: .int(timespan), recipients: recipients,
                                origin: "projects/api-gateway.yml")
    }

    static func live(_ name: String, pk: Int64, _ recipients: [(String, String)] = [("email", "")],
                     quantity: Int64? = 10, timespan: Int64? = 5) -> AlertRecord {
        AlertRecord(name: name, timespanMinutes: timespan, quantity: quantity,
                    recipients: recipients.enumerated().map { RecipientRecord(type: $1.0, url: $1.1, pk: pk * 100 + Int64($0)) },
                    pk: pk, extra: ["uptime": .bool(false)])
    }

    static func current(_ alerts: [AlertRecord]) -> ProjectRecord {
        ProjectRecord(instance: "glitchtip-prod", organization: "App SRE", organizationSlug: "app-sre", project: "api-gateway",
                      name: "api-gateway", alerts: alerts)
    }

    static func adopt(_ current: ProjectRecord, declared: AppInterfaceModel.Project? = project(),
                      settings: AdoptionSettings = settings, secrets: [SecretRef: String] = [:]) throws -> ProjectAdoption {
        try AlertAdoption.adopt(current: current, declared: declared, instance: instance, secrets: secrets, settings: settings).get()
    }
}
