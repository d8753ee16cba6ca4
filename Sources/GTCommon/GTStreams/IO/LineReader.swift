#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why reading input failed: at the operating-system level, or a line over the limit.
public struct InputError: Error, Sendable, CustomStringConvertible {
    public let message: String
    /// The line the failure is about, when it is about one.
    public let line: Int?

    public init(_ message: String, line: Int? = nil) {
        self.message = message
        self.line = line
    }

    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}

/// Reads newline-terminated lines from a file descriptor, a chunk at a time, so a stream of any
/// size is never held whole in memory, and a line of any length never either: a line longer
/// than ``maxLineBytes`` is refused once that many bytes of it are read, the rest unread
/// (docs/streams.md, "Line limit").
public final class LineReader {
    /// 16 MiB: far above the largest real record (a project of a hundred alerts with ten webhooks
    /// of 2,000 characters each is about 2 MB), and what one line may cost in memory.
    public static let defaultMaxLineBytes = 16 << 20

    public let maxLineBytes: Int
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0  // bytes from `start` already known to hold no newline
    private var atEOF = false
    private let chunkSize = 1 << 16
    public private(set) var lineNumber = 0

    public init(fd: Int32, ownsDescriptor: Bool = false, maxLineBytes: Int = LineReader.defaultMaxLineBytes) {
        self.fd = fd
        self.ownsDescriptor = ownsDescriptor
        self.maxLineBytes = maxLineBytes
    }

    /// Opens `path` (`-` is standard input; `/dev/fd/N` from `<(…)` works like any file).
    public convenience init(path: String, maxLineBytes: Int = LineReader.defaultMaxLineBytes) throws(InputError) {
        if path == "-" {
            self.init(fd: 0, maxLineBytes: maxLineBytes)
            return
        }
        do throws(Errno) {
            self.init(fd: try SystemCall.open(path, O_RDONLY | O_CLOEXEC), ownsDescriptor: true, maxLineBytes: maxLineBytes)
        } catch {
            throw InputError("\(path): \(error)")
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

    /// The next line; nil at the end of the input. A line longer than ``maxLineBytes`` throws,
    /// naming it, once that many of its bytes are read.
    public func next() throws(InputError) -> Line? {
        while true {
            if let newline = buffer[(start + scanned)...].firstIndex(of: 0x0A) {
                if newline - start > maxLineBytes { throw tooLong() }
                let line = buffer[start..<newline]
                start = newline + 1
                scanned = 0
                lineNumber += 1
                return Line(bytes: line, terminated: true, number: lineNumber)
            }
            if atEOF {
                guard start < buffer.count else { return nil }
                if buffer.count - start > maxLineBytes { throw tooLong() }
                let line = buffer[start...]
                start = buffer.count
                scanned = 0
                lineNumber += 1
                return Line(bytes: line, terminated: false, number: lineNumber)
            }
            scanned = buffer.count - start
            if scanned > maxLineBytes { throw tooLong() }
            try fill()
        }
    }

    private func tooLong() -> InputError {
        InputError("longer than \(maxLineBytes) bytes, the limit of a line (docs/streams.md, \"Line limit\"): refused "
                   + "without reading the rest of it", line: lineNumber + 1)
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
            throw InputError("read failed: \(error)")
        }
        buffer.removeSubrange((oldCount + n)...)
        if n == 0 { atEOF = true }
    }
}
