import GTStreams

/// Where an instance's token may go (README, "What gt never does"): only to that instance's URL
/// as App-Interface declares it. A plan is an artifact that may have been edited; its instance
/// record is checked against App-Interface's (name, console URL, token reference) before any
/// request, and App-Interface's record is the one connected to.
public struct InstanceTrust: Sendable {
    /// App-Interface's instances (those `--instance` selects), by name.
    public let declared: [String: InstanceRecord]
    /// `--instance`, for the message when the plan names another one.
    public let selection: String?

    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public init(declared: [String: InstanceRecord], selection: String?) {
        self.declared = declared
        self.selection = selection
    }

    /// App-Interface's record for the plan's instance `name`, or why no request may be sent.
    public func instance(_ name: String, planned: InstanceRecord?) -> Result<InstanceRecord, Refusal> {
        guard let planned else {
            return .failure(Refusal(description: "no instance record for '\(name)' in the action stream"))
        }
        guard let declared = declared[name] else {
            let scope = selection.map { "App-Interface's instance selected with --instance '\($0)'" } ?? "an App-Interface instance"
            return .failure(Refusal(description: "instance '\(name)' of the plan is not \(scope): refused, no request sent"))
        }
        if planned.consoleURL != declared.consoleURL {
            return .failure(Refusal(description: "instance '\(name)': the plan's console_url \(RedactedURL(planned.consoleURL)) "
                + "is not App-Interface's \(RedactedURL(declared.consoleURL)): refused, no request sent "
                + "(an instance's token goes only to its own URL)"))
        }
        if planned.token != declared.token {
            return .failure(Refusal(description: "instance '\(name)': the plan's token reference "
                + "\(planned.token) is not App-Interface's \(declared.token): refused, no request sent"))
        }
        return .success(declared)
    }
}
