import GTCommon
#if canImport(Glibc)
import Glibc
#endif

/// One `gt-apply --no-dry-run` at a time per instance (the reference's task dedup, made per
/// instance): an exclusive `flock` on one file per instance the run names, all held for the
/// run. A run for `{prod, stage}` and one for `{prod}` (`--instance`) both change prod, so they
/// must exclude each other; a lock keyed on the whole set would let both through.
///
/// The locks are taken without waiting, in one order (instance names sorted), and a run that
/// cannot take them all releases the ones it took and is skipped: with one order, of two
/// overlapping runs at least one gets every lock. The holder writes its pid and start time
/// into each file, so a waiting run can tell a stale holder (over 600 s) from a busy one.
///
/// The files live in a private directory (``PrivateDirectory``; never `/tmp`), are opened
/// without following a link, and must be regular files of this user with one link: gt never
/// truncates or writes a file it did not create (docs/architecture.md, "Lock and cache directories").
struct RunLock {
    static let staleAfter: Double = 600

    enum Outcome {
        case acquired(RunLock)
        /// Another run holds one of the locks, and started less than 600 s ago.
        case busy
        /// Another run has held one of the locks for longer than 600 s.
        case stale(seconds: Int, pid: String)
    }

    let fds: [Int32]

    struct LockError: Error, CustomStringConvertible { let description: String }

    /// Where the locks live: `GT_LOCK_DIR` (created 0700, refused when not private), else the
    /// cache directory (already checked); never a shared directory.
    static func directory(environment: [String: String], cache: CacheDirectory?) throws -> String {
        if let dir = environment["GT_LOCK_DIR"], !dir.isEmpty {
            try PrivateDirectory.prepare(dir, purpose: "lock directory", variable: "GT_LOCK_DIR")
            return dir
        }
        if let cache { return cache.path }
        throw LockError(description: "no private directory for the run lock: set GT_LOCK_DIR (or GT_CACHE_DIR, "
                        + "XDG_CACHE_HOME or HOME); gt never falls back to a shared directory such as /tmp")
    }

    /// Takes the lock of every instance in `instances` (sorted, each once), or none.
    static func acquire(directory: String, instances: [String]) throws -> Outcome {
        var held: [Int32] = []
        func releaseAll() { held.forEach { close($0) } }
        for instance in Set(instances).sorted() {
            let path = "\(directory)/apply-\(fileName(instance)).lock"
            let fd: Int32
            do { fd = try openLockFile(path) } catch {
                releaseAll()
                throw error
            }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let holder = contents(fd)
                close(fd)
                releaseAll()
                let parts = holder.split(separator: " ")
                if parts.count >= 2, let started = Double(parts[1]) {
                    let age = now() - started
                    if age > staleAfter { return .stale(seconds: Int(age), pid: String(parts[0])) }
                }
                return .busy
            }
            held.append(fd)
        }
        let stamp = "\(getpid()) \(now())\n"
        for fd in held {
            _ = ftruncate(fd, 0)
            _ = stamp.utf8CString.withUnsafeBufferPointer { pwrite(fd, $0.baseAddress, $0.count - 1, 0) }
        }
        return .acquired(RunLock(fds: held))
    }

    func release() {
        for fd in fds {
            _ = ftruncate(fd, 0)
            flock(fd, LOCK_UN)
            close(fd)
        }
    }

    /// The instance's lock file: every UTF-8 byte outside `[A-Za-z0-9._-]` percent-encoded, so
    /// no name reaches outside the directory and no two names share a file.
    static func fileName(_ instance: String) -> String {
        PercentEncoding.encode(instance, keeping: PercentEncoding.isFileNameSafe)
    }

    /// Opens (creating it 0600) a lock file: never through a link (`O_NOFOLLOW`), never a FIFO
    /// or a device, never a file of another user or one with another name (a hard link).
    private static func openLockFile(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o600)
        guard fd >= 0 else {
            let reason = errno == ELOOP ? "it is a symbolic link; gt never follows one" : String(cString: strerror(errno))
            throw LockError(description: "run lock \(path): \(reason)")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == geteuid(), info.st_nlink == 1 else {
            close(fd)
            throw LockError(description: "run lock \(path): not a regular file of this user with a single link; "
                            + "gt never writes a file it did not create: remove it")
        }
        return fd
    }

    private static func contents(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingNewline : ""
    }

    private static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

extension ApplyPlan {
    /// The instances a run locks: every instance it names (actions and instance records), so
    /// a run with nothing to do still excludes, and is excluded by, a run on the same instances.
    var lockedInstances: [String] { Array(Set(actions.map(\.instance)).union(instances.keys)) }
}

private extension String {
    var trimmingNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
