#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Records held back until their turn (see ``OrderedSegments``): in memory up to
/// ``memoryLimit`` bytes, then in a temporary file in `TMPDIR` (else `/tmp`) that no name leads
/// to, mode 0600 (``SystemCall/unlinkedTemporaryFile(in:)``), so holding one organization's
/// records while another is written costs disk, not memory. A file that cannot be made or
/// written (an unwritable or full `TMPDIR`) keeps the records in memory instead: slower to
/// grow, never lost.
public final class RecordSpill {
    public static let memoryLimit = 64 << 10
    /// Where the file is made, when it is.
    private let directory: String

    /// The records before the file was made, then (after a failed write) those after it.
    private var memory: [EncodedRecord] = []
    private var afterFile: [EncodedRecord] = []
    private var memoryBytes = 0
    private var file: UnsafeMutablePointer<FILE>?
    private var failed = false
    /// Records written whole to the file; a frame cut short by a failed write is not read back.
    private var fileRecords = 0

    public init(directory: String = SystemCall.temporaryDirectory) {
        self.directory = directory
    }

    deinit { if let file { fclose(file) } }

    public func append(_ record: EncodedRecord) {
        if file == nil, !failed, memoryBytes + record.bytes.count > Self.memoryLimit {
            file = Self.openFile(in: directory)
            if file == nil { failed = true }
        }
        guard let file else {
            memory.append(record)
            memoryBytes += record.bytes.count
            return
        }
        guard !failed else { return afterFile.append(record) }
        var frame: [UInt8] = []
        let message = record.message.map { Array($0.utf8) } ?? []
        frame.reserveCapacity(9 + message.count + record.bytes.count)
        frame.append(UInt8(RecordKind.allCases.firstIndex(of: record.kind)!))
        Self.appendLength(record.message == nil ? UInt32.max : UInt32(message.count), to: &frame)
        frame += message
        Self.appendLength(UInt32(record.bytes.count), to: &frame)
        frame += record.bytes
        if fwrite(frame, 1, frame.count, file) != frame.count {
            // Keep what could not be spilled; records already in the file come first.
            failed = true
            afterFile.append(record)
        } else {
            fileRecords += 1
        }
    }

    /// Writes every held record to `sink`, in the order appended.
    func drain(into sink: any RecordSink) { drain(sink.write) }

    /// Passes every held record to `write`, in the order appended.
    public func drain(_ write: (EncodedRecord) -> Void) {
        memory.forEach(write)
        memory = []
        if let file {
            fflush(file)
            rewind(file)
            for _ in 0..<fileRecords {
                guard let record = Self.readRecord(file) else { break }
                write(record)
            }
        }
        afterFile.forEach(write)
        afterFile = []
    }

    private static func openFile(in directory: String) -> UnsafeMutablePointer<FILE>? {
        guard let fd = try? SystemCall.unlinkedTemporaryFile(in: directory) else { return nil }
        guard let file = fdopen(fd, "w+") else {
            SystemCall.close(fd)
            return nil
        }
        return file
    }

    private static func appendLength(_ value: UInt32, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }

    private static func readLength(_ file: UnsafeMutablePointer<FILE>) -> UInt32? {
        var value: UInt32 = 0
        guard fread(&value, 4, 1, file) == 1 else { return nil }
        return UInt32(littleEndian: value)
    }

    private static func readBytes(_ count: Int, _ file: UnsafeMutablePointer<FILE>) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        guard count == 0 || fread(&bytes, 1, count, file) == count else { return nil }
        return bytes
    }

    private static func readRecord(_ file: UnsafeMutablePointer<FILE>) -> EncodedRecord? {
        var kindIndex: UInt8 = 0
        guard fread(&kindIndex, 1, 1, file) == 1, Int(kindIndex) < RecordKind.allCases.count,
              let messageLength = readLength(file) else { return nil }
        var message: String?
        if messageLength != UInt32.max {
            guard let bytes = readBytes(Int(messageLength), file) else { return nil }
            message = String(decoding: bytes, as: UTF8.self)
        }
        guard let length = readLength(file), let bytes = readBytes(Int(length), file) else { return nil }
        return EncodedRecord(kind: RecordKind.allCases[Int(kindIndex)], bytes: bytes, message: message)
    }
}
