import GTStreams
import GTCache
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
///
/// A lock holds only while its file is the one at the path: removed or replaced, the file lets
/// another run lock a new one there. ``stillHeld()`` checks that before every change.
struct RunLock: Sendable {
    static let staleAfter: Double = 600

    enum Outcome {
        case acquired(RunLock)
        /// Another run holds one of the locks, and started less than 600 s ago.
        case busy
        /// Another run has held one of the locks for longer than 600 s.
        case stale(seconds: Int, pid: String)
    }

    /// The held locks, each the owner of its descriptor (``FileLock``), and their paths.
    let locks: [FileLock]
    let paths: [String]

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

    /// Takes the lock of every instance in `instances` (sorted, each once), or none: a lock
    /// taken before a failure is released when `held` goes out of scope.
    static func acquire(directory: String, instances: [String]) throws -> Outcome {
        var held: [FileLock] = []
        var paths: [String] = []
        for instance in Set(instances).sorted() {
            let path = "\(directory)/apply-\(fileName(instance)).lock"
            let lock = try openLockFile(path)
            let taken: Bool
            do { taken = try lock.tryLock() } catch { throw LockError(description: "run lock \(path): \(error)") }
            if !taken {
                let holder = contents(lock)
                lock.release()
                held.forEach { $0.release() }
                let parts = holder.split(separator: " ")
                // A stamp no gt-apply wrote (inf, 1e300) is no stamp: its age must fit an Int.
                if parts.count >= 2, let started = Double(parts[1]), (0...1e12).contains(started) {
                    let age = now() - started
                    if age > staleAfter { return .stale(seconds: Int(age), pid: String(parts[0])) }
                }
                return .busy
            }
            held.append(lock)
            paths.append(path)
        }
        let stamp = Array("\(getpid()) \(now())\n".utf8)
        for lock in held {
            try? lock.withDescriptor { fd throws(Errno) in
                try SystemCall.truncate(fd)
                try SystemCall.writeAll(fd, stamp, at: 0)
            }
        }
        return .acquired(RunLock(locks: held, paths: paths))
    }

    /// Before a change: nil while every lock file is still the one at its path; else why not.
    func stillHeld() -> String? {
        for (lock, path) in zip(locks, paths) where !lock.isStillAt(path) {
            return "the run lock file \(path) was removed or replaced since this run locked it: another run may hold a lock there now"
        }
        return nil
    }

    /// Clears the stamps and releases every lock; a second call does nothing.
    func release() {
        for lock in locks {
            try? lock.withDescriptor { fd throws(Errno) in try SystemCall.truncate(fd) }
            lock.release()
        }
    }

    /// The instance's lock file: every UTF-8 byte outside `[A-Za-z0-9._-]` percent-encoded, so
    /// no name reaches outside the directory and no two names share a file.
    static func fileName(_ instance: String) -> String {
        PercentEncoding.encode(instance, keeping: PercentEncoding.isFileNameSafe)
    }

    /// Opens (creating it 0600) a lock file: never through a link (`O_NOFOLLOW`), never a FIFO
    /// or a device, never a file of another user or one with another name (a hard link).
    private static func openLockFile(_ path: String) throws -> FileLock {
        do throws(FileLock.OpenFailure) {
            return try FileLock(path: path) { info in
                info.st_mode & S_IFMT == S_IFREG && info.st_uid == geteuid() && info.st_nlink == 1
            }
        } catch {
            switch error {
            case .system(let failure):
                let reason = failure == .tooManySymbolicLinks ? "it is a symbolic link; gt never follows one" : "\(failure)"
                throw LockError(description: "run lock \(path): \(reason)")
            case .refused:
                throw LockError(description: "run lock \(path): not a regular file of this user with a single link; "
                                + "gt never writes a file it did not create: remove it")
            }
        }
    }

    private static func contents(_ lock: FileLock) -> String {
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = (try? lock.withDescriptor { fd throws(Errno) in try SystemCall.read(fd, into: &buffer, at: 0) }) ?? 0
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingNewline : ""
    }

    private static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

private extension String {
    var trimmingNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
