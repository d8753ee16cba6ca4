import AppInterface
import GTStreams

extension AdoptedAlert {
    /// The alert as a datafile's `alerts:` item, keys in the order App-Interface's files write
    /// them (`/dependencies/glitchtip-project-alert-1.yml`).
    public var yaml: YAMLNode {
        .map([
            .init(key: "name", value: .string(name)),
            .init(key: "description", value: .string(description)),
            .init(key: "quantity", value: .int(quantity)),
            .init(key: "timespanMinutes", value: .int(timespanMinutes)),
            .init(key: "recipients", value: .list(recipients.map(\.yaml))),
        ])
    }
}

extension AdoptedRecipient {
    var yaml: YAMLNode {
        switch self {
        case .email: .map([.init(key: "provider", value: .string("email-project-members"))])
        case .webhook(let url): .map([.init(key: "provider", value: .string("webhook")), .init(key: "url", value: .string(url))])
        case .webhookSecret(let ref, _):
            .map([.init(key: "provider", value: .string("webhook")),
                  .init(key: "urlSecret", value: .map([.init(key: "path", value: .string(ref.path)),
                                                       .init(key: "field", value: .string(ref.field))]))])
        }
    }
}
