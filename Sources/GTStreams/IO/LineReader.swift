#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why reading input failed at the operating-system level.
public struct InputError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// Reads newline-terminated lines from a file descriptor, a chunk at a time, so a stream of any
/// size is never held whole in memory.
public final class LineReader {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0  // bytes from `start` already known to hold no newline
    private var atEOF = false
    private let chunkSize = 1 << 16
    public private(set) var lineNumber = 0

    public init(fd: Int32, ownsDescriptor: Bool = false) {
        self.fd = fd
        self.ownsDescriptor = ownsDescriptor
    }

    /// Opens `path` (`-` is standard input; `/dev/fd/N` from `<(…)` works like any file).
    public convenience init(path: String) throws(InputError) {
        if path == "-" {
            self.init(fd: 0)
            return
        }
        do throws(Errno) {
            self.init(fd: try SystemCall.open(path, O_RDONLY | O_CLOEXEC), ownsDescriptor: true)
        } catch {
            throw InputError(description: "\(path): \(error)")
        }
    }

    deinit { if ownsDescriptor { SystemCall.close(fd) } }

    /// A line read from the input: its bytes without the newline, and whether a newline ended it
    /// (a last line without one means the producer was cut off mid-write).
    public struct Line: Sendable {
        public let bytes: ArraySlice<UInt8>
        public let terminated: Bool
        public let number: Int
    }

    public func next() throws(InputError) -> Line? {
        while true {
            if let newline = buffer[(start + scanned)...].firstIndex(of: 0x0A) {
                let line = buffer[start..<newline]
                start = newline + 1
                scanned = 0
                lineNumber += 1
                return Line(bytes: line, terminated: true, number: lineNumber)
            }
            if atEOF {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                scanned = 0
                lineNumber += 1
                return Line(bytes: line, terminated: false, number: lineNumber)
            }
            scanned = buffer.count - start
            try fill()
        }
    }

    private func fill() throws(InputError) {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        let oldCount = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunkSize))
        let n: Int
        do throws(Errno) {
            n = try SystemCall.read(fd, into: &buffer, from: oldCount)
        } catch {
            buffer.removeSubrange(oldCount...)
            throw InputError(description: "read failed: \(error)")
        }
        buffer.removeSubrange((oldCount + n)...)
        if n == 0 { atEOF = true }
    }
}
