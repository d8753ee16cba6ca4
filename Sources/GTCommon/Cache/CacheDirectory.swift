#if canImport(Glibc)
import Glibc
#endif

/// The file tier of the cache: one file per key under a 0700 directory, files 0600.
///
/// Writes are atomic (a temporary file, `fsync`, `rename`), so a reader sees an old entry or a
/// new one, never half of one. A file that cannot be read or parsed is a miss, never an empty
/// listing. A per-key lock file, taken with `flock`, lets concurrent runs fetch each resource
/// once: the reader that misses takes the lock, reads again, and only then fetches.
public struct CacheDirectory: Sendable {
    public let path: String

    /// `GT_CACHE_DIR`, else `$XDG_CACHE_HOME/gt`, else `~/.cache/gt`.
    public static func defaultPath(environment: [String: String]) -> String? {
        if let dir = environment["GT_CACHE_DIR"], !dir.isEmpty { return dir }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/gt" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.cache/gt" }
        return nil
    }

    public struct CacheError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Opens (creating it 0700 if needed) the directory.
    public init(path: String) throws {
        self.path = path
        try Self.makeDirectory(path)
    }

    private static func makeDirectory(_ path: String) throws {
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o700) != 0 && errno != EEXIST {
                throw CacheError(description: "cache directory \(path): \(String(cString: strerror(errno)))")
            }
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw CacheError(description: "cache directory \(path) is not a directory")
        }
        // The cache holds API data of production instances: owner only.
        if info.st_mode & 0o777 != 0o700, chmod(path, 0o700) != 0 {
            throw CacheError(description: "cache directory \(path): cannot make it 0700: \(String(cString: strerror(errno)))")
        }
    }

    /// The file name of a key: its characters outside `[A-Za-z0-9._-]` percent-encoded, so no key
    /// can name a path outside the directory.
    func fileName(_ key: String) -> String {
        var name = ""
        for byte in key.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80 && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-") && !(name.isEmpty && c == ".") {
                name.append(c)
            } else {
                name += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return name
    }

    func entryPath(_ key: String) -> String { "\(path)/\(fileName(key)).json" }

    /// The bytes stored for `key`, or nil when there are none or they cannot be read.
    func read(_ key: String) -> [UInt8]? {
        let fd = open(entryPath(key), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { return bytes }
            bytes += chunk[0..<n]
        }
    }

    /// Replaces the entry for `key` atomically.
    func write(_ key: String, _ bytes: [UInt8]) throws {
        let final = entryPath(key)
        let temporary = "\(final).tmp.\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CacheError(description: "cache write \(final): \(String(cString: strerror(errno)))") }
        var offset = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; failure = errno; return }
                offset += n
            }
        }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure == 0, rename(temporary, final) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw CacheError(description: "cache write \(final): \(String(cString: strerror(failure)))")
        }
    }

    func remove(_ key: String) {
        unlink(entryPath(key))
    }

    /// Takes the exclusive lock of `key` without blocking; nil while another process holds it.
    func tryLock(_ key: String) throws -> Int32? {
        let lockPath = "\(path)/\(fileName(key)).lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CacheError(description: "cache lock \(lockPath): \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return fd }
        close(fd)
        return nil
    }

    func unlock(_ fd: Int32) {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
