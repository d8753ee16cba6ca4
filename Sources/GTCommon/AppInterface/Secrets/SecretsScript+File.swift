#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GTStreams

extension SecretsScript {
    /// Writes ``text(_:)`` to a new file at `path`: created with `O_EXCL` (an existing file is
    /// never replaced) and `O_NOFOLLOW` (nor a link followed), mode 0600 whatever the umask,
    /// synced to disk. A file it could not finish is removed: it held secrets and is
    /// incomplete. Throws naming the path.
    public static func write(_ secrets: [NewSecret], to path: String) throws {
        let text = try text(secrets)
        let fd: Int32
        do throws(Errno) {
            fd = try SystemCall.open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: 0o600)
        } catch {
            if error == .fileExists {
                throw SecretError(secret: "(all)", reason: "\(path) exists already: the secrets file is never replaced; move it away or choose another name")
            }
            throw SecretError(secret: "(all)", reason: "\(path) cannot be created: \(error)")
        }
        do throws(Errno) {
            try SystemCall.changeMode(fd, to: 0o600)
            try SystemCall.writeAll(fd, text)
            try SystemCall.synchronize(fd)
            SystemCall.close(fd)
        } catch {
            SystemCall.close(fd)
            try? SystemCall.unlink(path)
            throw SecretError(secret: "(all)", reason: "\(path) could not be written (\(error)); the incomplete file was removed")
        }
    }
}
