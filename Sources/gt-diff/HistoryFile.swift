import DiffCore
import GTStreams
#if canImport(Glibc)
import Glibc
#endif

/// gt-diff's `--history FILE` on disk (docs/rules.md, "Deletes of alerts no desired state
/// declared"): the alerts earlier desired states declared.
///
/// The file is never a link followed or anything but a regular file. It is replaced, never
/// written in place: a temporary file in its directory, `fsync`, `rename(2)`, so a gt-diff killed
/// mid-write leaves the old file whole. Two gt-diff runs add to it one after the other, each
/// under an exclusive `flock` on `FILE.lock` (not on the file, which the rename replaces) and
/// each reading it again under that lock, so neither loses what the other added.
struct HistoryFile {
    let path: String
    /// How long another gt-diff may hold the lock (it holds it only to read and replace the file).
    static let lockWait: Duration = .seconds(30)

    /// The file as read: its alerts, its mode and which file it was (``identity(_:)``).
    struct Snapshot {
        let alerts: DeclaredAlerts
        let mode: mode_t
        let identity: [Int]
    }

    private func fail(_ message: String) -> HistoryError { HistoryError(file: path, line: nil, message: message) }

    /// The file; nil when there is none (a first run: no alert declared before).
    func read() throws(HistoryError) -> Snapshot? {
        let fd: Int32
        do {
            // Without waiting: a FIFO at the path must not hang the run.
            fd = try SystemCall.open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        } catch where error.rawValue == ENOENT {
            return nil
        } catch where error.rawValue == ELOOP {
            throw fail("is a symbolic link; give the file itself (gt-diff replaces the file, which would replace the link, "
                       + "not the file it points to)")
        } catch {
            throw fail("\(error)")
        }
        let lines = LineReader(fd: fd, ownsDescriptor: true)
        let info: stat
        do { info = try SystemCall.fileStatus(fd) } catch { throw fail("\(error)") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw fail("not a regular file (\(Self.describe(info.st_mode)))") }
        return Snapshot(alerts: try DeclaredAlerts(reading: lines, file: path), mode: info.st_mode & 0o7777, identity: Self.identity(info))
    }

    /// Adds `declared` to the file (made, mode 0600, when there is none; an existing file keeps
    /// its mode), `before` being what ``read()`` found: read again unless the same file is still
    /// there unchanged. A file that would not change is left as it is.
    func add(_ declared: DeclaredAlerts, readBefore before: Snapshot?) throws(HistoryError) {
        let lock = try takeLock()
        defer { lock.release() }
        let now = (try? SystemCall.linkStatus(path: path)).map(Self.identity)
        let existing = now == before?.identity ? before : try read()
        let old = existing?.alerts ?? DeclaredAlerts()
        if existing != nil, declared.alerts.isSubset(of: old.alerts) { return }
        try replace(with: old.union(declared).rendered(), mode: existing?.mode ?? 0o600)
    }

    /// Device, inode, size and modification time: another file renamed over it, or one written
    /// in place, differs.
    private static func identity(_ info: stat) -> [Int] {
        [Int(info.st_dev), Int(info.st_ino), Int(info.st_size), info.st_mtim.tv_sec, info.st_mtim.tv_nsec]
    }

    static func describe(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFCHR, S_IFBLK: "a device"
        default: "not a file"
        }
    }

    /// The lock on `FILE.lock`, waiting at most ``lockWait`` for another gt-diff to end its write.
    private func takeLock() throws(HistoryError) -> FileLock {
        let lockPath = path + ".lock"
        let deadline = ContinuousClock.now + Self.lockWait
        while true {
            let lock: FileLock
            do {
                lock = try FileLock(path: lockPath) { $0.st_mode & S_IFMT == S_IFREG }
            } catch {
                switch error {
                case .refused: throw fail("its lock file \(lockPath) is not a regular file")
                case .system(let failure): throw fail("its lock file \(lockPath): \(failure)")
                }
            }
            do {
                // A lock file removed or replaced since it was opened excludes nobody: lock the new one.
                if try lock.tryLock() {
                    if lock.isStillAt(lockPath) { return lock }
                    lock.release()
                    continue
                }
            } catch {
                throw fail("its lock file \(lockPath): \(error)")
            }
            lock.release()
            if ContinuousClock.now >= deadline {
                throw fail("another gt-diff has held \(lockPath) for over \(Self.lockWait.components.seconds) s")
            }
            usleep(10_000)
        }
    }

    /// Writes `bytes` to a new file in the file's directory and renames it over the file.
    private func replace(with bytes: [UInt8], mode: mode_t) throws(HistoryError) {
        let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
        let directory = slash.map { $0 == path.utf8.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.utf8.index(after: $0)...]) } ?? path
        let temporary = "\(directory)/.\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        do throws(Errno) {
            let fd = try SystemCall.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: 0o600)
            do throws(Errno) {
                defer { SystemCall.close(fd) }
                try SystemCall.changeMode(fd, to: mode)
                try SystemCall.writeAll(fd, bytes)
                try SystemCall.synchronize(fd)
                try SystemCall.rename(temporary, to: path)
            } catch {
                try? SystemCall.unlink(temporary)
                throw error
            }
        } catch {
            throw fail("cannot write \(temporary): \(error)")
        }
        // The rename made durable; a file system that cannot sync a directory keeps it anyway.
        if let directoryFD = try? SystemCall.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) {
            try? SystemCall.synchronize(directoryFD)
            SystemCall.close(directoryFD)
        }
    }
}
