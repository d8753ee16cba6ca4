#if canImport(Glibc)
import Glibc
#endif
import GTStreams

/// A directory only this user can change: where the cache entries and the run locks live
/// (docs/architecture.md, "Lock and cache directories").
///
/// Another user who can write the directory could hold a lock (every apply then skipped),
/// replace an entry, or plant a symlink that a lock or entry open would follow. So a missing
/// directory is created 0700 (with its missing parents), and an existing one must be a
/// directory owned by this user that neither group nor others can write. A directory that is
/// not private is refused with a message naming the variable to set; it is never chmod'ed:
/// changing the mode of a directory someone else also uses would break them silently.
public enum PrivateDirectory {
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    /// Creates `path` or checks the existing directory.
    /// - Parameters:
    ///   - purpose: what it is for, in the message ("cache directory", "lock directory").
    ///   - variable: the setting it came from (`GT_CACHE_DIR`, `HOME`…), in the message.
    /// - Throws: `Refusal` when it cannot be created or is not private.
    public static func prepare(_ path: String, purpose: String, variable: String) throws {
        let fix = "set \(variable) to a directory only you can write (gt creates it 0700 when it is missing)"
        var partial = path.hasPrefix("/") ? "" : "."
        func refusal(_ failure: Errno) -> Refusal {
            Refusal(description: "\(purpose) \(path) (from \(variable)): \(failure); \(fix)")
        }
        for component in path.split(separator: "/") {
            partial += "/" + component
            switch Result(catching: { () throws(Errno) in try SystemCall.makeDirectory(partial, mode: 0o700) }) {
            case .failure(let failure) where failure != .fileExists: throw refusal(failure)
            default: break
            }
        }
        let info = try Result(catching: { () throws(Errno) in try SystemCall.fileStatus(path: path) }).mapError(refusal).get()
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw Refusal(description: "\(purpose) \(path) (from \(variable)) is not a directory; \(fix)")
        }
        if info.st_uid != geteuid() {
            throw Refusal(description: "\(purpose) \(path) (from \(variable)) belongs to uid \(info.st_uid), not to this user "
                          + "(uid \(geteuid())): a shared directory is never used; \(fix)")
        }
        if info.st_mode & 0o022 != 0 {
            throw Refusal(description: "\(purpose) \(path) (from \(variable)) can be written by others (mode "
                          + String(info.st_mode & 0o7777, radix: 8) + "): a shared directory is never used, nor chmod'ed; \(fix)")
        }
    }
}
