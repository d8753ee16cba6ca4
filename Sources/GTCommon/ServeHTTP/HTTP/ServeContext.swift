import Hummingbird

/// What one request carries through gt-serve's middleware and routes: its id (a new UUID;
/// a POST's task takes it as its own) and the subject its token names.
public struct ServeContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Sent back as `X-Request-ID` and logged.
    public var requestID: String
    /// The token's `sub`, once the token is checked; nil on routes that need none.
    public var subject: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        requestID = TaskID.make()
        subject = nil
    }
}
