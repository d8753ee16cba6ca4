/// The GraphQL queries the reference integration sends to qontract-server
/// (docs/rules.md, "Desired state"), with its aliases `instances` and `glitchtip_projects`. The
/// fields it asks for are those of ``GraphQLFields``.
public enum QontractQueries {
    static let vaultSecret = "{ path field version format }"

    public static let instances = """
        query GlitchtipInstance {
          instances: glitchtip_instances_v1 {
            name description consoleUrl
            automationUserEmail \(vaultSecret)
            automationToken \(vaultSecret)
            readTimeout maxRetries mailDomain glitchtipJiraBridgeAlertUrl
            glitchtipJiraBridgeToken \(vaultSecret)
          }
        }
        """

    public static let projects = """
        query GlitchtipProjectsWithAlerts {
          glitchtip_projects: glitchtip_projects_v1 {
            name projectId
            organization { name instance { name } }
            alerts {
              name description quantity timespanMinutes
              recipients {
                provider
                ... on GlitchtipProjectAlertRecipientWebhook_v1 { url urlSecret \(vaultSecret) }
                ... on GlitchtipProjectAlertRecipientEmail_v1 { provider }
              }
            }
            jira {
              project components
              escalationPolicy { channels { jiraBoard { name issueType disable { integrations } } jiraComponents jiraLabels } }
              labels
            }
          }
        }
        """
}
