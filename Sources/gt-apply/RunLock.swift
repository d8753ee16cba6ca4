import GTCommon
#if canImport(Glibc)
import Glibc
#endif

/// One `gt-apply --no-dry-run` at a time per instance set (the reference's task dedup): an
/// exclusive `flock` on a file named after the set, held for the run. The holder writes its pid
/// and start time into the file, so a waiting run can tell a stale holder (over 600 s) from a
/// busy one.
struct RunLock {
    static let staleAfter: Double = 600

    enum Outcome {
        case acquired(RunLock)
        /// Another run holds it, and started less than 600 s ago.
        case busy
        /// Another run has held it for longer than 600 s.
        case stale(seconds: Int, pid: String)
    }

    let fd: Int32

    static func acquire(directory: String, instanceSet: String) throws -> Outcome {
        let name = instanceSet.unicodeScalars.map { s -> String in
            s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "-" || s == "_" || s == "." ? String(s)
                : "%" + String(s.value, radix: 16, uppercase: true)
        }.joined()
        let path = "\(directory)/apply-\(name).lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LockError(description: "lock \(path): \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = contents(fd)
            close(fd)
            let parts = holder.split(separator: " ")
            if parts.count >= 2, let started = Double(parts[1]) {
                let age = now() - started
                if age > staleAfter { return .stale(seconds: Int(age), pid: String(parts[0])) }
            }
            return .busy
        }
        let stamp = "\(getpid()) \(now())\n"
        _ = ftruncate(fd, 0)
        _ = stamp.utf8CString.withUnsafeBufferPointer { pwrite(fd, $0.baseAddress, $0.count - 1, 0) }
        return .acquired(RunLock(fd: fd))
    }

    func release() {
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }

    struct LockError: Error, CustomStringConvertible { let description: String }

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

private extension String {
    var trimmingNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
