#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GTStreams

/// Project and alert datafiles of a data directory, parsed once and kept as compact JSON in a
/// temporary file in `TMPDIR` (else `/tmp`) that no name leads to, mode 0600
/// (``SystemCall/unlinkedTemporaryFile(in:)``), until their turn, so the tools' memory does not
/// grow with the fleet (docs/architecture.md, "Bounded memory"). A file that cannot be made or
/// written (an unwritable or full `TMPDIR`) keeps the bytes in memory instead: larger, never lost.
///
/// Appended from one thread; read from any number at once (`pread(2)` moves no shared position).
final class DatafileSpill: @unchecked Sendable {
    /// Where one datafile's JSON is.
    struct Slot: Sendable {
        fileprivate let offset: Int
        fileprivate let count: Int
        fileprivate let inMemory: Bool
    }

    private let fd: Int32?
    /// False once a write failed: later datafiles stay in memory; those written are still read.
    private var writable: Bool
    private var end = 0
    private var memory: [[UInt8]] = []

    init(directory: String) {
        fd = try? SystemCall.unlinkedTemporaryFile(in: directory)
        writable = fd != nil
    }

    deinit { if let fd { SystemCall.close(fd) } }

    func append(_ bytes: [UInt8]) -> Slot {
        if writable, let fd {
            do {
                try SystemCall.writeAll(fd, bytes, at: off_t(end))
                defer { end += bytes.count }
                return Slot(offset: end, count: bytes.count, inMemory: false)
            } catch {
                writable = false
            }
        }
        memory.append(bytes)
        return Slot(offset: memory.count - 1, count: bytes.count, inMemory: true)
    }

    func bytes(_ slot: Slot) throws(Errno) -> [UInt8] {
        if slot.inMemory { return memory[slot.offset] }
        guard let fd else { throw Errno(rawValue: EBADF) }
        var bytes = [UInt8](repeating: 0, count: slot.count)
        let count = try SystemCall.read(fd, into: &bytes, at: off_t(slot.offset))
        // The file is ours and unlinked: a short read means it was damaged under us.
        guard count == slot.count else { throw Errno.ioError }
        return bytes
    }
}
