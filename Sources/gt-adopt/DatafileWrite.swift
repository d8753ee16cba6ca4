import Glibc
import GTStreams

/// Datafiles written safely: an edited one replaced whole (a temporary file beside it, synced,
/// with the old file's mode, then renamed over it), so a killed gt-adopt leaves the old file or
/// the new one, never half of one; a new one never replaces anything.
enum DatafileWrite {
    /// The file's status, when it is a regular file `replace` may write (checked before any
    /// secret is stored, and again when writing).
    @discardableResult
    static func replaceable(_ path: String) throws -> stat {
        let status: stat
        do { status = try SystemCall.linkStatus(path: path) } catch { throw AdoptError("\(path): \(error)") }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw AdoptError("\(path): not a regular file (a symbolic link is not followed): edit it by hand, or use --format patch")
        }
        return status
    }

    /// Refuses a path where something already is (checked before any secret is stored).
    static func absent(_ path: String) throws {
        if (try? SystemCall.linkStatus(path: path)) != nil {
            throw AdoptError("\(path): already exists; gt-adopt writes new datafiles only (move it away, or choose another --new-projects)")
        }
    }

    static func replace(_ path: String, with text: String) throws {
        let status = try replaceable(path)
        let temporary = "\(path).gt-adopt-\(getpid())"
        do {
            let fd = try SystemCall.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: 0o600)
            defer { SystemCall.close(fd) }
            try SystemCall.writeAll(fd, text)
            try SystemCall.changeMode(fd, to: status.st_mode & 0o7777)
            try SystemCall.synchronize(fd)
            try SystemCall.rename(temporary, to: path)
        } catch {
            try? SystemCall.unlink(temporary)
            throw AdoptError("\(path): cannot be written: \(error)")
        }
    }

    static func create(_ path: String, with text: String) throws {
        do {
            let fd = try SystemCall.open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: 0o644)
            defer { SystemCall.close(fd) }
            try SystemCall.writeAll(fd, text)
            try SystemCall.synchronize(fd)
        } catch where error.rawValue == EEXIST {
            throw AdoptError("\(path): already exists; gt-adopt writes new datafiles only (move it away, or choose another --new-projects)")
        } catch {
            throw AdoptError("\(path): cannot be written: \(error)")
        }
        FileOutput.standardError().write("gt-adopt: wrote \(path)\n")
    }

    static func currentDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
