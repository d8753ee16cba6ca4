import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on a lock file, and the one owner of its descriptor
/// (docs/architecture.md, "System calls"): the cache's per-key locks and gt-apply's run locks.
///
/// The descriptor is opened here and closed here only: ``release()`` unlocks and closes it once
/// (a second call does nothing), and `deinit` releases a lock nobody released, so a path that
/// throws or returns early can neither leak the descriptor nor close it twice (closing a
/// number twice may close a descriptor another thread has opened since).
public final class FileLock: Sendable {
    private let descriptor: Mutex<Int32?>

    public enum OpenFailure: Error {
        case system(Errno)
        /// `accept` refused what `fstat` shows (a FIFO, a device, another user's file…).
        case refused
    }

    /// Opens (creating it 0600) the lock file at `path` without following a symbolic link and
    /// without waiting on a FIFO; `accept` checks what the descriptor is. Not locked yet.
    public init(path: String, accept: (stat) -> Bool) throws(OpenFailure) {
        let fd: Int32
        do { fd = try SystemCall.open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, mode: 0o600) } catch {
            throw .system(error)
        }
        descriptor = Mutex(fd)
        let info: stat
        do { info = try SystemCall.fileStatus(fd) } catch { throw .system(error) }  // deinit closes
        guard accept(info) else { throw .refused }
    }

    deinit { release() }

    /// Takes the exclusive lock without waiting: false while another holder has it. Throws
    /// for any other failure, and once released.
    public func tryLock() throws(Errno) -> Bool {
        try withDescriptor { fd throws(Errno) in
            do throws(Errno) { try SystemCall.lock(fd, LOCK_EX | LOCK_NB) } catch where error == .wouldBlock { return false }
            return true
        }
    }

    /// Runs `body` with the open descriptor (to read or write the holder's stamp); throws
    /// `EBADF` once released.
    public func withDescriptor<R>(_ body: (Int32) throws(Errno) -> R) throws(Errno) -> R {
        try descriptor.withLock { fd throws(Errno) -> R in
            guard let fd else { throw Errno(rawValue: EBADF) }
            return try body(fd)
        }
    }

    /// Whether `path` still names the locked file: the same device and inode, the path itself
    /// (not a link to it). A lock on a file since removed or replaced excludes nobody: another
    /// process locks whatever is at the path now (docs/safety.md, "Every change is made under a
    /// lock known to be held").
    public func isStillAt(_ path: String) -> Bool {
        let same = try? withDescriptor { fd throws(Errno) -> Bool in
            let open = try SystemCall.fileStatus(fd)
            let named = try SystemCall.linkStatus(path: path)
            return open.st_dev == named.st_dev && open.st_ino == named.st_ino
        }
        return same ?? false
    }

    /// Whether the descriptor is still open.
    public var isOpen: Bool { descriptor.withLock { $0 != nil } }

    /// Unlocks and closes the descriptor; does nothing the second time.
    public func release() {
        guard let fd = descriptor.withLock({ fd -> Int32? in defer { fd = nil }; return fd }) else { return }
        try? SystemCall.lock(fd, LOCK_UN)
        SystemCall.close(fd)
    }
}
