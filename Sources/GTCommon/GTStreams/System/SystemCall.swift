#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file system calls gt makes, each throwing a typed ``Errno`` (docs/architecture.md,
/// "System calls"). `EINTR` is retried in ``retrying(_:)`` and nowhere else; `close` is never
/// retried (on Linux the descriptor is gone even when it reports `EINTR`).
public enum SystemCall {
    /// Runs `call`, a libc call that returns -1 and sets `errno` on failure, again while it is
    /// interrupted by a signal: the one place `EINTR` is handled.
    @discardableResult
    static func retrying<Result: FixedWidthInteger>(_ call: () -> Result) throws(Errno) -> Result {
        while true {
            let result = call()
            if result != -1 { return result }
            let failure = Errno.current
            if failure != .interrupted { throw failure }
        }
    }

    public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0) throws(Errno) -> Int32 {
        try retrying { Glibc.open(path, flags, mode) }
    }

    /// Closes `fd`; its error is dropped: the descriptor is released whatever `close` says.
    public static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    /// Reads at most `buffer.count` bytes; 0 at the end of the file.
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try retrying { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// Reads into `bytes` from index `start` to its end; 0 at the end of the file.
    public static func read(_ fd: Int32, into bytes: inout [UInt8], from start: Int = 0) throws(Errno) -> Int {
        try bytes.withUnsafeMutableBytes { raw in
            Result { () throws(Errno) in try read(fd, into: UnsafeMutableRawBufferPointer(rebasing: raw[start...])) }
        }.get()
    }

    /// Reads into `bytes` from the file's `offset`, without moving the file position.
    public static func read(_ fd: Int32, into bytes: inout [UInt8], at offset: off_t) throws(Errno) -> Int {
        try bytes.withUnsafeMutableBytes { raw in
            Result { () throws(Errno) in try retrying { Glibc.pread(fd, raw.baseAddress, raw.count, offset) } }
        }.get()
    }

    /// Writes all of `bytes`, however many `write(2)` calls that takes.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(Errno) {
        var offset = 0
        while offset < bytes.count {
            offset += try retrying { Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
        }
    }

    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(Errno) {
        try bytes.withUnsafeBytes { raw in Result { () throws(Errno) in try writeAll(fd, raw) } }.get()
    }

    public static func writeAll(_ fd: Int32, _ text: String) throws(Errno) {
        try writeAll(fd, Array(text.utf8))
    }

    /// Writes all of `bytes` at `offset`, without moving the file position.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], at offset: off_t) throws(Errno) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(Errno) in
                var done = 0
                while done < raw.count {
                    done += try retrying { Glibc.pwrite(fd, raw.baseAddress! + done, raw.count - done, offset + off_t(done)) }
                }
            }
        }.get()
    }

    public static func fileStatus(_ fd: Int32) throws(Errno) -> stat {
        var info = stat()
        try retrying { fstat(fd, &info) }
        return info
    }

    public static func fileStatus(path: String) throws(Errno) -> stat {
        var info = stat()
        try retrying { stat(path, &info) }
        return info
    }

    /// `lstat(2)`: the path itself, a symbolic link not followed.
    public static func linkStatus(path: String) throws(Errno) -> stat {
        var info = stat()
        try retrying { lstat(path, &info) }
        return info
    }

    public static func synchronize(_ fd: Int32) throws(Errno) { try retrying { fsync(fd) } }
    /// `fchmod(2)`: the mode whatever the umask made it.
    public static func changeMode(_ fd: Int32, to mode: mode_t) throws(Errno) { try retrying { fchmod(fd, mode) } }
    public static func truncate(_ fd: Int32, to length: off_t = 0) throws(Errno) { try retrying { ftruncate(fd, length) } }
    /// Back to the start of `fd`: a temporary file read after it was written.
    public static func rewind(_ fd: Int32) throws(Errno) { _ = try retrying { lseek(fd, 0, SEEK_SET) } }
    public static func rename(_ from: String, to: String) throws(Errno) { try retrying { Glibc.rename(from, to) } }
    public static func unlink(_ path: String) throws(Errno) { try retrying { Glibc.unlink(path) } }
    public static func makeDirectory(_ path: String, mode: mode_t) throws(Errno) { try retrying { mkdir(path, mode) } }

    /// `TMPDIR` of `environment`, else `/tmp` (an empty `TMPDIR` counts as unset): where spill
    /// files are made. glibc's `tmpfile(3)` ignores `TMPDIR`, so gt does not use it.
    public static func temporaryDirectory(environment: [String: String]) -> String {
        guard let value = environment["TMPDIR"], !value.isEmpty else { return "/tmp" }
        return value
    }

    /// Linux's `O_TMPFILE` (`__O_TMPFILE | O_DIRECTORY`), which Swift does not import: a file
    /// that never has a name.
    private static let openTemporaryFile: Int32 = 0o20000000 | O_DIRECTORY

    /// A new file in `directory` that no name leads to, mode 0600, open for reading and writing:
    /// `O_TMPFILE`, or where the file system has no `O_TMPFILE`, `mkstemp` (mode 0600) and
    /// `unlink` at once. Spill files (docs/architecture.md, "Bounded memory") are made here.
    public static func unlinkedTemporaryFile(in directory: String) throws(Errno) -> Int32 {
        do {
            return try open(directory, openTemporaryFile | O_RDWR | O_CLOEXEC, mode: 0o600)
        } catch where [EOPNOTSUPP, EISDIR, EINVAL].contains(error.rawValue) {
            return try namedThenUnlinked(in: directory)
        }
    }

    /// The fallback of ``unlinkedTemporaryFile(in:)``, on its own for tests.
    static func namedThenUnlinked(in directory: String) throws(Errno) -> Int32 {
        var template = Array("\(directory)/gt-spill.XXXXXX".utf8CString)
        let fd = try template.withUnsafeMutableBufferPointer { buffer in
            Result { () throws(Errno) in try retrying { mkstemp(buffer.baseAddress!) } }
        }.get()
        do throws(Errno) {
            try retrying { fcntl(fd, F_SETFD, FD_CLOEXEC) }
            try unlink(String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self))
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// Where the symbolic link `path` points (`readlink(2)`).
    public static func linkTarget(_ path: String) throws(Errno) -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = try buffer.withUnsafeMutableBytes { raw in
            Result { () throws(Errno) in try retrying { readlink(path, raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count) } }
        }.get()
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    /// Whether `fd` is a terminal (`isatty(3)`): colours and a progress line only there.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Sets `signo` to be ignored (`SIG_IGN`), as a process that reads it through a dispatch
    /// signal source must, or the default action would end the process first.
    public static func ignore(signal signo: Int32) { _ = Glibc.signal(signo, SIG_IGN) }

    /// `flock(2)`: `EWOULDBLOCK` (``Errno/wouldBlock``) when `LOCK_NB` is set and another
    /// holder has the lock.
    public static func lock(_ fd: Int32, _ operation: Int32) throws(Errno) { try retrying { flock(fd, operation) } }
}
