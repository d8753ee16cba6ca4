#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered writer on a file descriptor (stdout for streams, stderr for messages).
///
/// Writes go straight to `write(2)` in large chunks; no Foundation, no stdio locking on the
/// hot path of a 100k-record stream.
public final class FileOutput {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let flushThreshold = 1 << 16

    public init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(flushThreshold * 2)
    }

    public static func standardOutput() -> FileOutput { FileOutput(fd: 1) }
    public static func standardError() -> FileOutput { FileOutput(fd: 2) }

    public var isTerminal: Bool { isatty(fd) == 1 }

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
        var offset = 0
        buffer.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return  // EPIPE and the like: the reader is gone, nothing useful to do
                }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}

/// One-line messages on stderr, prefixed with the tool's name (`gt-diff: error: …`).
public struct Diagnostics: Sendable {
    public let tool: String
    public init(tool: String) { self.tool = tool }

    public func error(_ message: String) { emit("error", message) }
    public func warning(_ message: String) { emit("warning", message) }

    private func emit(_ level: String, _ message: String) {
        let line = "\(tool): \(level): \(message)\n"
        _ = line.utf8CString.withUnsafeBufferPointer { Glibc.write(2, $0.baseAddress, $0.count - 1) }
    }
}
