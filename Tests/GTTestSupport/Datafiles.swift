/// A `glitchtip-project-1.yml` datafile for the tests' data directories. `projectID` becomes
/// its `projectId`; `alerts` is a YAML block list (`- name: …`) or a flow value (`[]`); `extra`
/// is more top-level YAML.
public func projectDatafile(_ name: String, projectID: String? = nil, organization: String, alerts: String = "[]",
                            extra: String = "") -> String {
    """
    $schema: /dependencies/glitchtip-project-1.yml
    name: "\(name)"
    \(projectID.map { "projectId: \"\($0)\"" } ?? "")
    description: test
    platform: python
    app: {$ref: /app.yml}
    teams: []
    organization: {$ref: \(organization)}
    \(extra)
    alerts:\(alerts.hasPrefix("-") ? "\n" + alerts : " " + alerts)

    """
}
