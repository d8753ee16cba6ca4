#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GTStreams

/// Project and alert datafiles of a data directory, parsed once and kept as compact JSON in an
/// unlinked temporary file (`tmpfile(3)`) until their turn, so the tools' memory does not grow
/// with the fleet (docs/architecture.md, "Bounded memory"). A file that cannot be made or written keeps
/// the bytes in memory instead: larger, never lost.
///
/// Appended from one thread; read from any number at once (`pread(2)` moves no shared position).
final class DatafileSpill: @unchecked Sendable {
    /// Where one datafile's JSON is.
    struct Slot: Sendable {
        fileprivate let offset: Int
        fileprivate let count: Int
        fileprivate let inMemory: Bool
    }

    private let file: UnsafeMutablePointer<FILE>?
    /// False once a write failed: later datafiles stay in memory; those written are still read.
    private var writable: Bool
    private var end = 0
    private var memory: [[UInt8]] = []

    init() {
        file = tmpfile()
        writable = file != nil
    }

    deinit { if let file { fclose(file) } }

    func append(_ bytes: [UInt8]) -> Slot {
        if writable, let file {
            do {
                try SystemCall.writeAll(fileno(file), bytes, at: off_t(end))
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
        guard let file else { throw Errno(rawValue: EBADF) }
        var bytes = [UInt8](repeating: 0, count: slot.count)
        let count = try SystemCall.read(fileno(file), into: &bytes, at: off_t(slot.offset))
        // The file is ours and unlinked: a short read means it was damaged under us.
        guard count == slot.count else { throw Errno.ioError }
        return bytes
    }
}
