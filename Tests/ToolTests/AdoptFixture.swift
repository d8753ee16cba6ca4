import Foundation
import GTStreams
import GTTestSupport

/// A team's GlitchTip after months of use: App-Interface declares `errors` in `web` only, and the
/// UI made the rest. The planted values must never leave GlitchTip for anything but Vault.
enum AdoptFixture {
    static let plantedSlack = "https://hooks.slack.com/services/T0PLANTED/B0PLANTED/planted-slack-s3cr3t"
    static let plantedQuery = "https://chat.example.com/v1/spaces/SRE/messages?key=planted-k3y&token=planted-t0ken"
    static let plain = "https://alerts.example.com/glitchtip"
    static let planted = ["planted-slack-s3cr3t", "planted-k3y", "planted-t0ken", "T0PLANTED", Scenario.token]

    static func scenario(for test: SimulatorTestCase, simulatorArguments: [String] = []) async throws -> Scenario {
        try await Scenario.make(
            for: test,
            desired: ["web": [DeclaredAlert(name: "errors", quantity: 9, timespan: 5)], "api": []],
            current: [
                "web": [SimState.alert("errors", quantity: 9, timespan: 5),
                        SimState.alert("ui-email", quantity: 3, timespan: 60),
                        SimState.alert("UI: Slack #sre", quantity: 5, timespan: 15, recipients: [("webhook", plantedSlack), ("email", "")]),
                        SimState.alert("ui-plain", quantity: 2, timespan: 10, recipients: [("webhook", plain)]),
                        SimState.alert("twice"), SimState.alert("twice")],
                "api": [SimState.alert("ui-chat", quantity: 7, timespan: 30, recipients: [("webhook", plantedQuery)]),
                        ["name": "uptime-only", "quantity": nil, "timespanMinutes": nil, "uptime": true, "alertRecipients": []]],
            ],
            simulatorArguments: simulatorArguments)
    }

    /// A stand-in for the vault CLI on PATH: `vault kv put -mount=M -cas=0 PATH k=v …` merges the
    /// fields into the scenario's secrets file at `M/PATH` (refusing an existing path, as -cas=0
    /// does), so running the commands file is what makes the secrets readable.
    static func fakeVault(in directory: URL, secretsFile: String) throws -> String {
        let bin = directory.appendingPathComponent("fake-bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let script = """
            #!/usr/bin/env python3
            import json, sys
            args = sys.argv[1:]
            assert args[:2] == ["kv", "put"], args
            args = args[2:]
            mount = next(a.split("=", 1)[1] for a in args if a.startswith("-mount="))
            assert "-cas=0" in args, args
            rest = [a for a in args if not a.startswith("-")]
            path, pairs = mount + "/" + rest[0], rest[1:]
            with open(\(JSONValue.string(secretsFile).serialized())) as f:
                secrets = json.load(f)
            if path in secrets:
                sys.exit("check-and-set parameter did not match the current version")
            secrets[path] = dict(p.split("=", 1) for p in pairs)
            with open(\(JSONValue.string(secretsFile).serialized()), "w") as f:
                json.dump(secrets, f)
            """
        let url = bin.appendingPathComponent("vault")
        try script.write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return bin.path
    }
}
