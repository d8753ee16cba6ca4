import Foundation
import GTTestSupport
import XCTest

extension XCTestCase {
    /// A one-project data directory; `alerts` and `extra` are YAML spliced into the project file.
    func oneProjectDataDirectory(alerts: String, extra: String = "", files: [String: String] = [:]) throws -> String {
        let dir = scratchDirectory()
        var all: [String: String] = [
            "instance.yml": """
                $schema: /dependencies/glitchtip-instance-1.yml
                labels: {}
                name: gt-test
                description: test
                consoleUrl: https://glitchtip.example.com
                automationUserEmail: {path: gt/test, field: email}
                automationToken: {path: gt/test, field: token}
                glitchtipJiraBridgeAlertUrl: http://gjb.com
                """,
            "org.yml": """
                $schema: /dependencies/glitchtip-organization-1.yml
                name: acme
                description: acme
                instance: {$ref: /instance.yml}
                """,
            "project.yml": projectDatafile("web", organization: "/org.yml", alerts: alerts, extra: extra),
        ]
        all.merge(files) { _, new in new }
        for (name, text) in all {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return dir.path
    }
}
