import Synchronization

/// Where a client can reach gt-serve, for a `status_url` when the request has no usable Host
/// (README "Drop-in for qontract-api"): first the address the client's own connection reached
/// (``ServeContext/connectionAuthority``), else the address gt-serve bound, once it runs (the
/// port `--port 0` took, not 0), else `--host:--port` as given. An unspecified address
/// (`0.0.0.0`, `::`) is said as the loopback address of its family: no client can connect to
/// "any address", and one on the same host reaches gt-serve there.
public final class ServeAddress: Sendable {
    private let authority: Mutex<String>

    /// The address as configured (`--host`, `--port`), until ``bound(ip:port:)`` says better.
    public init(host: String, port: Int) {
        authority = Mutex(Self.authority(host: host, port: port))
    }

    /// gt-serve listens at `ip:port` (its listening socket's address).
    public func bound(ip: String?, port: Int?) {
        guard let ip, let port, port > 0 else { return }
        authority.withLock { $0 = Self.authority(host: ip, port: port) }
    }

    public var current: String { authority.withLock { $0 } }

    /// `host:port`, an IPv6 address in brackets, an unspecified one as loopback.
    static func authority(host: String, port: Int) -> String {
        switch host {
        case "0.0.0.0", "": return "127.0.0.1:\(port)"
        case "::", "[::]", "::0": return "[::1]:\(port)"
        default: return host.contains(":") && !host.hasPrefix("[") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }
}
