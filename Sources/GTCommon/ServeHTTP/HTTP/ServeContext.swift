import Hummingbird

/// What one request carries through gt-serve's middleware and routes: its id (a new UUID;
/// a POST's task takes it as its own), the subject its token names, and the address its
/// connection reached.
public struct ServeContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Sent back as `X-Request-ID` and logged.
    public var requestID: String
    /// The token's `sub`, once the token is checked; nil on routes that need none.
    public var subject: String?
    /// `ip:port` of gt-serve's end of the connection (the address this client reached), nil
    /// when the channel has none (``ServeAddress``).
    public let connectionAuthority: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        requestID = TaskID.make()
        subject = nil
        let local = source.channel.localAddress
        connectionAuthority = local.flatMap { address in
            address.ipAddress.flatMap { ip in address.port.map { ServeAddress.authority(host: ip, port: $0) } }
        }
    }
}
