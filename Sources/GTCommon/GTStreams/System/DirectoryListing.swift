#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Walking directories and reading whole files with plain system calls: Foundation's
/// enumerator builds a URL object and a property cache per file, which for the tens of
/// thousands of files of an App-Interface checkout cost more memory than the rest of the
/// tool (docs/architecture.md, "Bounded memory").
public enum DirectoryListing {
    public enum EntryType: Sendable { case directory, file, other }

    /// The names in directory `path` (without `.` and `..`) and what each is; a symbolic link
    /// counts as what it points to.
    public static func entries(_ path: String) throws(Errno) -> [(name: String, type: EntryType)] {
        guard let directory = opendir(path) else { throw Errno.current }
        defer { closedir(directory) }
        var entries: [(name: String, type: EntryType)] = []
        while true {
            errno = 0
            guard let entry = readdir(directory) else {
                if errno != 0 { throw Errno.current }
                return entries
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let type: EntryType
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_DIR): type = .directory
            case Int32(DT_REG): type = .file
            default:
                // A link, or a file system that does not say: ask stat, which follows links.
                guard let info = try? SystemCall.fileStatus(path: path + "/" + name) else {
                    type = .other
                    break
                }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: type = entry.pointee.d_type == DT_LNK ? .other : .directory
                case S_IFREG: type = .file
                default: type = .other
                }
            }
            entries.append((name, type))
        }
    }

    /// The whole of the regular file at `path`.
    public static func contents(of path: String) throws(Errno) -> [UInt8] {
        let fd = try SystemCall.open(path, O_RDONLY | O_CLOEXEC)
        defer { SystemCall.close(fd) }
        let size = Int(try SystemCall.fileStatus(fd).st_size)
        var bytes = [UInt8](repeating: 0, count: max(size, 1) + 1)
        var count = 0
        while true {
            if count == bytes.count { bytes += [UInt8](repeating: 0, count: bytes.count) }
            let read = try SystemCall.read(fd, into: &bytes, from: count)
            if read == 0 { break }
            count += read
        }
        bytes.removeSubrange(count...)
        return bytes
    }
}
