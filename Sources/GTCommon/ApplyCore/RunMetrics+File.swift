import GTStreams
#if canImport(Glibc)
import Glibc
#endif

extension RunMetrics {
    public struct WriteError: Error, CustomStringConvertible {
        public let description: String
    }

    /// How much of the previous file is read: the carried-over series come first in it.
    static let previousBytes = 64 * 1024
    /// How long another writer may hold the directory before this run gives up.
    static let lockWait: Duration = .seconds(5)

    /// Replaces the file at `path`: the previous file read (what carries over) and the new one
    /// renamed over it under an exclusive `flock` on the directory, so runs ending together are
    /// each counted and leave nothing behind; a temporary file in the same directory (not
    /// `*.prom`, so the collector skips it), then `rename(2)`, so the collector never reads half
    /// a file. A file system without `flock` is written unlocked.
    public func write(to path: String) throws(WriteError) {
        func failure(_ reason: String) -> WriteError { WriteError(description: "cannot write the metrics file \(path): \(reason)") }
        let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
        let directory = slash.map { $0 == path.utf8.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.utf8.index(after: $0)...]) } ?? path

        let directoryFD: Int32
        do { directoryFD = try SystemCall.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) } catch {
            throw failure("\(directory): \(error)")
        }
        defer { SystemCall.close(directoryFD) }  // releases the lock
        guard Self.lock(directoryFD) else {
            throw failure("another gt-apply has held \(directory) locked for over \(Self.lockWait.components.seconds) s")
        }
        let previous: String?
        do { previous = try Self.previous(path) } catch { throw failure(error.description) }

        let temporary = "\(directory)/.\(name).\(getpid()).tmp"
        do {
            try? SystemCall.unlink(temporary)  // left by a run with this pid that died mid-write
            let fd = try SystemCall.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: 0o644)
            defer { SystemCall.close(fd) }
            // Readable by the collector's user whatever the umask.
            try SystemCall.changeMode(fd, to: 0o644)
            try SystemCall.writeAll(fd, render(previous: previous))
            try SystemCall.synchronize(fd)
            try SystemCall.rename(temporary, to: path)
        } catch {
            try? SystemCall.unlink(temporary)
            throw failure("\(temporary): \(error)")
        }
    }

    /// Takes the directory's lock, waiting at most ``lockWait``; true also when the file system
    /// has no `flock` (the write goes on unlocked).
    private static func lock(_ fd: Int32) -> Bool {
        let deadline = ContinuousClock.now + lockWait
        while true {
            do throws(Errno) {
                try SystemCall.lock(fd, LOCK_EX | LOCK_NB)
                return true
            } catch where error == .wouldBlock {
                if ContinuousClock.now >= deadline { return false }
                usleep(5_000)
            } catch {
                return true
            }
        }
    }

    /// The start of the file being replaced; nil when there is none or it cannot be read (the
    /// counts start again). Opened without waiting, so a FIFO at the path cannot hang the run.
    private static func previous(_ path: String) throws(WriteError) -> String? {
        let fd: Int32
        do { fd = try SystemCall.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) } catch { return nil }
        defer { SystemCall.close(fd) }
        guard let info = try? SystemCall.fileStatus(fd), info.st_mode & S_IFMT == S_IFREG else {
            throw WriteError(description: "it is not a regular file")
        }
        var bytes = [UInt8](repeating: 0, count: previousBytes)
        var count = 0
        while count < bytes.count, let read = try? SystemCall.read(fd, into: &bytes, from: count), read > 0 { count += read }
        var text = String(decoding: bytes[..<count], as: UTF8.self)
        // Cut short: the last line may be partial, and a partial number is a wrong one.
        if count == bytes.count, let end = text.lastIndex(of: "\n") { text = String(text[...end]) }
        return text
    }
}
