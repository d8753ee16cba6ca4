import Foundation
@testable import AppInterface
import GTGlitchTip
import GTStreams
import GTTestSupport
import XCTest
import GTHTTP

/// Small App-Interface data directories written by the tests themselves: datafiles by path
/// (`/p/001.yml`), as `$ref`s name them, and the catalog a source opens over them.
struct DatafileFixture {
    var files: [String: String] = [:]

    static func instance(_ name: String) -> String {
        """
        $schema: /dependencies/glitchtip-instance-1.yml
        labels: {}
        name: "\(name)"
        description: test
        consoleUrl: https://glitchtip.example.com
        automationUserEmail: {path: gt/test, field: email}
        automationToken: {path: gt/test, field: token}
        glitchtipJiraBridgeAlertUrl: http://gjb.com
        glitchtipJiraBridgeToken: {path: gt/gjb, field: token}

        """
    }

    static func organization(_ name: String, instance: String) -> String {
        """
        $schema: /dependencies/glitchtip-organization-1.yml
        name: "\(name)"
        description: test
        instance: {$ref: \(instance)}

        """
    }

    /// A project datafile; `slug` becomes its `projectId` (GTTestSupport's `projectDatafile`).
    static func project(_ name: String, slug: String? = nil, organization: String, alerts: String = "[]",
                        extra: String = "") -> String {
        projectDatafile(name, projectID: slug, organization: organization, alerts: alerts, extra: extra)
    }

    /// Writes the datafiles below a new scratch directory of `test`; its path.
    func write(in test: XCTestCase) throws -> String {
        let root = test.scratchDirectory()
        for (path, text) in files {
            let url = root.appendingPathComponent(String(path.dropFirst()))
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return root.path
    }
}

extension XCTestCase {
    /// Opens `source` as the tools do.
    func openCatalog(_ source: AppInterfaceSource, resolvingProjects: Bool = true) async throws -> AppInterfaceCatalog {
        let http = HTTPClient(transport: HTTPTransport(maxConcurrent: 1), retry: RetryPolicy(maxRetries: 0))
        do {
            let catalog = try await source.open(http: http, resolvingProjects: resolvingProjects)
            await http.transport.shutdown()
            return catalog
        } catch {
            await http.transport.shutdown()
            throw error
        }
    }

    /// Every project resolution of `catalog`, in the order the walk gives them.
    func walk(_ catalog: AppInterfaceCatalog) -> [AppInterfaceCatalog.ProjectResolution] {
        var all: [AppInterfaceCatalog.ProjectResolution] = []
        catalog.forEachProject { all.append($0) }
        return all
    }
}

extension AppInterfaceCatalog.ProjectResolution {
    /// `instance/organization/slug` of a resolved project, else the error's text.
    var keyOrError: String {
        switch result {
        case .success(let project): "\(project.instance)/\(project.organization)/\(project.slug)"
        case .failure(let error): "error: \(error)"
        }
    }

    var origin: String? { try? result.get().origin }
}

extension AppInterfaceCatalog {
    /// Everything at once, projects in source order, to compare sources; the tools walk
    /// `forEachProject` instead and never hold this.
    func model() throws -> AppInterfaceModel {
        var projects: [(Int, AppInterfaceModel.Project)] = []
        var failure: (index: Int, error: any Error)?
        forEachProject { resolution in
            switch resolution.result {
            case .success(let project): projects.append((resolution.sourceIndex, project))
            case .failure(let error):
                if failure == nil || resolution.sourceIndex < failure!.index { failure = (resolution.sourceIndex, error) }
            }
        }
        if let failure { throw failure.error }
        return AppInterfaceModel(instances: instances, projects: projects.sorted { $0.0 < $1.0 }.map(\.1))
    }
}
