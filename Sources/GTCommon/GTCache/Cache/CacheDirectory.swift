import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import GTStreams

/// The file tier of the cache: one file per key under a 0700 directory, files 0600.
///
/// Writes are atomic (a temporary file, `fsync`, `rename`), so a reader sees an old entry or a
/// new one, never half of one. A file that cannot be read or parsed is a miss, never an empty
/// listing. A per-key lock file, taken with `flock`, lets concurrent runs fetch each resource
/// once: the reader that misses takes the lock, reads again, and only then fetches.
public struct CacheDirectory: Sendable {
    public let path: String
    /// Entries found and refused (a FIFO, a link, a device, a huge file): each a miss, and a
    /// warning for the operator.
    public let notices = CacheNotices()
    /// The largest entry read: the biggest organization's alert listings are a few MiB; a file
    /// larger than this is not one gt wrote.
    public static let maxEntryBytes = 64 << 20

    /// `GT_CACHE_DIR`, else `$XDG_CACHE_HOME/gt`, else `~/.cache/gt`, with the variable it came
    /// from; nil when none is set: there is no shared fallback such as `/tmp`.
    public static func defaultLocation(environment: [String: String]) -> (path: String, variable: String)? {
        if let dir = environment["GT_CACHE_DIR"], !dir.isEmpty { return (dir, "GT_CACHE_DIR") }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return (xdg + "/gt", "XDG_CACHE_HOME") }
        if let home = environment["HOME"], !home.isEmpty { return (home + "/.cache/gt", "HOME") }
        return nil
    }

    /// `GT_CACHE_DIR`, else `$XDG_CACHE_HOME/gt`, else `~/.cache/gt`.
    public static func defaultPath(environment: [String: String]) -> String? {
        defaultLocation(environment: environment)?.path
    }

    /// The default cache directory, opened; nil when no variable names one.
    public static func fromEnvironment(_ environment: [String: String]) throws -> CacheDirectory? {
        try defaultLocation(environment: environment).map { try CacheDirectory(path: $0.path, variable: $0.variable) }
    }

    public struct CacheError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Opens (creating it 0700 if needed) the directory; refuses one that is not private
    /// (``PrivateDirectory``). `variable` is the setting `path` came from, for the message.
    public init(path: String, variable: String = "GT_CACHE_DIR") throws {
        self.path = path
        try PrivateDirectory.prepare(path, purpose: "cache directory", variable: variable)
    }

    /// The file name of a key: its characters outside `[A-Za-z0-9._-]` percent-encoded, so no key
    /// can name a path outside the directory.
    func fileName(_ key: String) -> String {
        let name = PercentEncoding.encode(key, keeping: PercentEncoding.isFileNameSafe)
        // A leading dot is encoded too: no key names a hidden file, `.` or `..`.
        return name.hasPrefix(".") ? "%2E" + name.dropFirst() : name
    }

    func entryPath(_ key: String) -> String { "\(path)/\(fileName(key)).json" }

    /// The bytes stored for `key`, or nil when there are none or they cannot be read.
    ///
    /// Only a regular file of at most ``maxEntryBytes`` is read. The open neither follows a
    /// symbolic link (`O_NOFOLLOW`) nor waits for a FIFO's writer (`O_NONBLOCK`); what it finds
    /// instead (a link to `/dev/zero`, a FIFO, a device, a huge file) is a miss with a notice,
    /// and the next write replaces it with a real entry. Only a missing entry (`ENOENT`) is a
    /// plain miss: any other failure (`EACCES`, `EIO`…) is a miss with a notice naming the entry.
    func read(_ key: String) -> [UInt8]? {
        let entry = entryPath(key)
        let fd: Int32
        do throws(Errno) { fd = try SystemCall.open(entry, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK) } catch {
            if error != .noSuchFile {
                notices.add("cache entry \(entry) ignored: " + (error == .tooManySymbolicLinks ? "it is a symbolic link" : "\(error)"))
            }
            return nil
        }
        defer { SystemCall.close(fd) }
        return read(opened: fd, entry: entry)
    }

    /// The entry open on `fd`, or nil with a notice naming `entry`.
    func read(opened fd: Int32, entry: String) -> [UInt8]? {
        do throws(Errno) {
            let info = try SystemCall.fileStatus(fd)
            guard info.st_mode & S_IFMT == S_IFREG else {
                notices.add("cache entry \(entry) ignored: not a regular file")
                return nil
            }
            guard info.st_size <= Self.maxEntryBytes else {
                notices.add("cache entry \(entry) ignored: \(info.st_size) bytes, over \(Self.maxEntryBytes)")
                return nil
            }
            // Bounded by the size limit even if the file grows while it is read.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Int(info.st_size))
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = try SystemCall.read(fd, into: &chunk)
                if n == 0 { return bytes }
                bytes += chunk[0..<n]
                if bytes.count > Self.maxEntryBytes {
                    notices.add("cache entry \(entry) ignored: over \(Self.maxEntryBytes) bytes")
                    return nil
                }
            }
        } catch {
            notices.add("cache entry \(entry) ignored: \(error)")
            return nil
        }
    }

    /// Replaces the entry for `key` atomically.
    func write(_ key: String, _ bytes: [UInt8]) throws {
        let final = entryPath(key)
        let temporary = "\(final).tmp.\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        do throws(Errno) {
            let fd = try SystemCall.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: 0o600)
            do throws(Errno) {
                defer { SystemCall.close(fd) }
                try SystemCall.writeAll(fd, bytes)
                try SystemCall.synchronize(fd)
            } catch {
                try? SystemCall.unlink(temporary)
                throw error
            }
            do throws(Errno) { try SystemCall.rename(temporary, to: final) } catch {
                try? SystemCall.unlink(temporary)
                throw error
            }
        } catch {
            throw CacheError(description: "cache write \(final): \(error)")
        }
    }

    func remove(_ key: String) {
        try? SystemCall.unlink(entryPath(key))
    }

    /// Takes the exclusive lock of `key` without blocking; nil while another process holds it.
    /// The lock file is never a link followed or anything but a regular file.
    func tryLock(_ key: String) throws -> FileLock? {
        let lockPath = "\(path)/\(fileName(key)).lock"
        let lock: FileLock
        do throws(FileLock.OpenFailure) {
            lock = try FileLock(path: lockPath) { $0.st_mode & S_IFMT == S_IFREG }
        } catch {
            switch error {
            case .refused: throw CacheError(description: "cache lock \(lockPath): not a regular file")
            case .system(let failure): throw CacheError(description: "cache lock \(lockPath): \(failure)")
            }
        }
        do { return try lock.tryLock() ? lock : nil } catch {
            throw CacheError(description: "cache lock \(lockPath): \(error)")
        }
    }
}

/// What the cache directory refused to read, in order, each once (a key is looked up twice
/// around its lock).
public final class CacheNotices: Sendable {
    private let state = Mutex<(seen: Set<String>, all: [String])>(([], []))

    public init() {}

    func add(_ notice: String) {
        state.withLock { if $0.seen.insert(notice).inserted { $0.all.append(notice) } }
    }

    public var all: [String] { state.withLock { $0.all } }
}
