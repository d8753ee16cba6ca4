#if canImport(Glibc)
import Glibc
#endif

/// Records held back until their turn (see ``OrderedSegments``): in memory up to
/// ``memoryLimit`` bytes, then in a temporary file in `TMPDIR` (else `/tmp`) that no name leads
/// to, mode 0600 (``SystemCall/unlinkedTemporaryFile(in:)``), so holding one organization's
/// records while another is written costs disk, not memory. The file is written and read
/// through the system-call layer, 16 KB at a time; a batch's records are kept until it is
/// written, so a spill holds at most its first 64 KB of records, one batch and that batch's
/// records. A file that cannot be made or written (an unwritable or full `TMPDIR`) keeps the
/// records in memory instead: slower to grow, never lost.
public final class RecordSpill {
    public static let memoryLimit = 64 << 10
    /// Frames are gathered up to this size and written to the file in one call.
    static let writeBatch = 16 << 10
    /// Where the file is made, when it is.
    private let directory: String

    /// The records before the file was made, then (after a failed write) those after it.
    private var memory: [EncodedRecord] = []
    private var afterFile: [EncodedRecord] = []
    private var memoryBytes = 0
    private var fd: Int32?
    private var failed = false
    /// Frames not yet written, and the records they hold (kept until the write succeeds).
    private var batch: [UInt8] = []
    private var batched: [EncodedRecord] = []
    /// Records whose frames are in the file: only these are read back.
    private var fileRecords = 0

    /// - Parameter directory: where the file is made (``SystemCall/temporaryDirectory(environment:)``).
    public init(directory: String) {
        self.directory = directory
    }

    deinit { if let fd { SystemCall.close(fd) } }

    public func append(_ record: EncodedRecord) {
        if fd == nil, !failed, memoryBytes + record.bytes.count > Self.memoryLimit {
            fd = try? SystemCall.unlinkedTemporaryFile(in: directory)
            if fd == nil { failed = true }
        }
        guard fd != nil, !failed else {
            if fd == nil {
                memory.append(record)
                memoryBytes += record.bytes.count
            } else {
                afterFile.append(record)
            }
            return
        }
        let message = record.message.map { Array($0.utf8) } ?? []
        batch.append(UInt8(RecordKind.allCases.firstIndex(of: record.kind)!))
        Self.appendLength(record.message == nil ? UInt32.max : UInt32(message.count), to: &batch)
        batch += message
        Self.appendLength(UInt32(record.bytes.count), to: &batch)
        batch += record.bytes
        batched.append(record)
        if batch.count >= Self.writeBatch { writeBatch() }
    }

    /// Writes the gathered frames. A write that fails keeps their records (and every later one)
    /// in memory, after those in the file: what reached the file of a failed write is never read.
    private func writeBatch() {
        guard let fd, !batch.isEmpty else { return }
        do {
            try SystemCall.writeAll(fd, batch)
            fileRecords += batched.count
        } catch {
            failed = true
            afterFile = batched
        }
        batch = []
        batched = []
    }

    /// Writes every held record to `sink`, in the order appended.
    func drain(into sink: any RecordSink) { drain(sink.write) }

    /// Passes every held record to `write`, in the order appended.
    public func drain(_ write: (EncodedRecord) -> Void) {
        memory.forEach(write)
        memory = []
        if let fd {
            if !failed { writeBatch() }
            var reader = FrameReader(fd: fd)
            for _ in 0..<fileRecords {
                guard let record = reader.record() else { break }
                write(record)
            }
            // Emptied: a later record starts over in memory.
            SystemCall.close(fd)
            self.fd = nil
            fileRecords = 0
            failed = false
        }
        memoryBytes = 0
        afterFile.forEach(write)
        afterFile = []
    }

    private static func appendLength(_ value: UInt32, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }
}

/// Reads the spill file's frames from its start, a chunk at a time (`pread(2)`).
private struct FrameReader {
    let fd: Int32
    private var offset: off_t = 0
    private var chunk: [UInt8] = []
    private var position = 0

    init(fd: Int32) { self.fd = fd }

    /// The next `count` bytes; nil at the end of the file or on a read error.
    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        if chunk.count - position < count {
            var fresh = Array(chunk[position...])
            let wanted = max(count, RecordSpill.writeBatch)
            var more = [UInt8](repeating: 0, count: wanted - fresh.count)
            while fresh.count < count {
                guard let read = try? SystemCall.read(fd, into: &more, at: offset), read > 0 else { return nil }
                offset += off_t(read)
                fresh += more[..<read]
            }
            chunk = fresh
            position = 0
        }
        defer { position += count }
        return chunk[position..<(position + count)]
    }

    mutating func length() -> UInt32? {
        guard let bytes = take(4) else { return nil }
        return bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func record() -> EncodedRecord? {
        guard let kind = take(1)?.first, Int(kind) < RecordKind.allCases.count, let messageLength = length() else { return nil }
        var message: String?
        if messageLength != UInt32.max {
            guard let bytes = take(Int(messageLength)) else { return nil }
            message = String(decoding: bytes, as: UTF8.self)
        }
        guard let length = length(), let bytes = take(Int(length)) else { return nil }
        return EncodedRecord(kind: RecordKind.allCases[Int(kind)], bytes: Array(bytes), message: message)
    }
}
