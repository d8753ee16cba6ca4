import Foundation
import AppInterface
import DesiredCore
import GTStreams
import XCTest

/// Small App-Interface models for the in-process tests: one instance `glitchtip` (bridge URL
/// `http://gjb.com`, its token the secret `gt/gjb#token`), projects under `Org`, and the secret
/// values a test plants.
enum DesiredModel {
    static let bridgeToken = SecretRef(path: "gt/gjb", field: "token")

    static func instance(_ name: String = "glitchtip", bridgeURL: String? = "http://gjb.com", token: SecretRef? = bridgeToken,
                         origin: String = "instance.yml") -> AppInterfaceModel.Instance {
        AppInterfaceModel.Instance(name: name, consoleURL: "https://\(name).example.com",
                                   automationToken: SecretRef(path: "gt/\(name)", field: "token"),
                                   jiraBridgeAlertURL: bridgeURL, jiraBridgeToken: token, origin: origin)
    }

    static func alert(_ name: String, quantity: JSONValue = .int(1), timespan: JSONValue = .int(1),
                      _ recipients: [AppInterfaceModel.Recipient] = [.email(url: nil)]) -> AppInterfaceModel.Alert {
        AppInterfaceModel.Alert(name: name, quantity: quantity, timespanMinutes: timespan, recipients: recipients,
                                origin: "alerts/\(name).yml")
    }

    static func webhook(_ url: String) -> AppInterfaceModel.Recipient { .webhook(url: url, urlSecret: nil) }

    static func project(_ name: String = "web", organization: String = "Org", instance: String = "glitchtip",
                        alerts: [AppInterfaceModel.Alert] = [], jira: AppInterfaceModel.Jira? = nil,
                        origin: String? = nil) -> AppInterfaceModel.Project {
        AppInterfaceModel.Project(name: name, projectID: nil, organization: organization, instance: instance, alerts: alerts,
                                  jira: jira, origin: origin ?? "\(name).yml")
    }

    static func build(_ project: AppInterfaceModel.Project, instance: AppInterfaceModel.Instance = instance(),
                      secrets: [SecretRef: String] = [bridgeToken: "secret"]) -> Result<ProjectRecord, DesiredBuildFailure> {
        DesiredProjectBuilder.build(project, instance: instance, secrets: secrets)
    }

    /// Each violation as `origin: message`, the way gt-desired prints them.
    static func errors(_ result: Result<ProjectRecord, DesiredBuildFailure>,
                       file: StaticString = #filePath, line: UInt = #line) -> [String] {
        switch result {
        case .success(let record):
            XCTFail("built \(record.key) instead of refusing it", file: file, line: line)
            return []
        case .failure(let failure): return failure.errors.map(\.description)
        }
    }

    static func record(_ result: Result<ProjectRecord, DesiredBuildFailure>,
                       file: StaticString = #filePath, line: UInt = #line) -> ProjectRecord? {
        switch result {
        case .success(let record): return record
        case .failure(let failure):
            XCTFail("refused: \(failure.errors.map(\.description))", file: file, line: line)
            return nil
        }
    }
}

extension DesiredModel {
    /// gt-desired's walk over `model` (as over a GraphQL answer) with no secret store: the
    /// instance names and the project keys written, in stream order, or the messages printed.
    static func stream(_ model: AppInterfaceModel, filter: String? = nil) async
        -> Result<(instances: [String], projects: [String]), DesiredBuildFailureReport>
    {
        let built = await DesiredStream(catalog: AppInterfaceCatalog(model: model), instanceFilter: filter,
                                        secrets: SecretSupply(open: { nil }), spillDirectory: NSTemporaryDirectory()).build()
        return built.map { output in
            var keys: [String] = []
            output.projects.drain { record in
                let json = try? JSONValue(parsing: record.bytes)
                keys.append(["instance", "organization", "project"].map { json?[$0]?.stringValue ?? "?" }.joined(separator: "/"))
            }
            return (output.instances.map(\.name), keys)
        }
    }
}
