#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered writer on a file descriptor (stdout for streams, stderr for messages).
///
/// Writes go straight to `write(2)` in large chunks; no Foundation, no stdio locking on the
/// hot path of a 100k-record stream.
///
/// A write that fails (a full disk, `EPIPE` from a closed pipe when `SIGPIPE` is ignored) is
/// kept as ``failure``, and what follows is dropped; the tool calls ``finish()`` before it exits
/// and exits 1 with the message, so an output that did not arrive never ends in status 0
/// (docs/architecture.md, "System calls").
public final class FileOutput {
    private let fd: Int32
    /// What the descriptor is, for the message ("standard output").
    public let name: String
    private var buffer: [UInt8] = []
    private let flushThreshold = 1 << 16
    /// The first write that failed; nothing is written after it.
    public private(set) var failure: OutputError?

    public init(fd: Int32, name: String? = nil) {
        self.fd = fd
        self.name = name ?? "file descriptor \(fd)"
        buffer.reserveCapacity(flushThreshold * 2)
    }

    public static func standardOutput() -> FileOutput { FileOutput(fd: 1, name: "standard output") }
    public static func standardError() -> FileOutput { FileOutput(fd: 2, name: "standard error") }

    public var isTerminal: Bool { SystemCall.isTerminal(fd) }

    public func write(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { flush() }
    }

    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= flushThreshold { flush() }
    }

    /// Appends in place, so a caller can serialise a record without an intermediate array.
    public func append(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
        if buffer.count >= flushThreshold { flush() }
    }

    public func flush() {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard failure == nil, !buffer.isEmpty else { return }
        do throws(Errno) { try SystemCall.writeAll(fd, buffer) } catch {
            failure = OutputError(name: name, errno: error)
        }
    }

    /// Flushes, then throws the first write failure, if any. Call before exit.
    public func finish() throws(OutputError) {
        flush()
        if let failure { throw failure }
    }

    deinit { flush() }
}

/// A write to an output failed: "cannot write standard output: No space left on device".
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public let name: String
    public let errno: Errno
    public var description: String { "cannot write \(name): \(errno)" }
}
