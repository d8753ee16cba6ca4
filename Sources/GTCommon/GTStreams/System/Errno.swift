#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An `errno` value kept as a typed error (docs/architecture.md, "System calls").
///
/// Failures stay typed until they reach a message, so a caller can tell "no such entry" (a
/// cache miss) from "permission denied" (a warning naming the entry); the text comes from
/// `strerror` here, in one place.
public struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's `errno`, read right after a call failed.
    public static var current: Errno { Errno(rawValue: errno) }

    public static let interrupted = Errno(rawValue: EINTR)
    public static let noSuchFile = Errno(rawValue: ENOENT)
    public static let permissionDenied = Errno(rawValue: EACCES)
    public static let fileExists = Errno(rawValue: EEXIST)
    public static let tooManySymbolicLinks = Errno(rawValue: ELOOP)
    public static let wouldBlock = Errno(rawValue: EWOULDBLOCK)
    public static let noSpace = Errno(rawValue: ENOSPC)
    public static let brokenPipe = Errno(rawValue: EPIPE)
    public static let ioError = Errno(rawValue: EIO)

    public var description: String { String(cString: strerror(rawValue)) }
}
