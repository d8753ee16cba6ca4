import ApplyCore
import CFuzzDriver
import DiffCore
import GTStreams
#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer target `stream` (scripts/fuzz stream SECONDS): the stream reader (LineReader,
/// StreamReader: framing, order, one record per key) and every record kind's decoder, as
/// gt-diff reads desired and current streams (in batches, on every core) and gt-apply an actions
/// stream (docs/streams.md). The input is read as each of the four streams; its header decides
/// which one gets past line 1.
///
/// - no crash or hang, whatever the bytes;
/// - every line a reader accepts is a JSON object whose compact form parses back to it;
/// - every record a decoder accepts encodes to JSON that decodes back to the same record.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStream(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    for kind in StreamKind.allCases {
        StreamInput.shared.replace(with: input)
        read(kind)
    }
    return 0
}

private func read(_ kind: StreamKind) {
    guard let reader = try? StreamReader(stream: kind, lines: LineReader(fd: StreamInput.shared.fd), label: kind.rawValue) else {
        return
    }
    switch kind {
    case .desired, .current:
        // Batches of three, so records meet batch edges (gt-diff reads 512 at a time).
        let transform = kind == .desired ? DecodedRecord.desired : DecodedRecord.current
        while let batch = try? reader.nextBatch(size: 3, transform: { record in (record, try transform(record)) }) {
            for (record, decoded) in batch { check(record, decoded.body) }
        }
    case .actions:
        var plan = ApplyPlan()
        while let record = try? reader.next() {
            checkJSON(record)
            guard (try? plan.add(record)) != nil else { return }
        }
        for action in plan.actions { roundTrip(action, ActionRecord.init, \.json) }
        for instance in plan.instances.values { roundTrip(instance, InstanceRecord.init, \.json) }
        for notice in plan.notices { roundTrip(notice, NoticeRecord.init, \.json) }
    case .results:
        while let record = try? reader.next() {
            checkJSON(record)
            if record.kind == .warning || record.kind == .error, let notice = try? NoticeRecord(JSONField(record.value)) {
                roundTrip(notice, NoticeRecord.init, \.json)
            }
        }
    }
}

private func check(_ record: StreamRecord, _ body: DecodedRecord.Body) {
    checkJSON(record)
    switch body {
    case .instance(let instance): roundTrip(instance, InstanceRecord.init, \.json)
    case .project(let project): roundTrip(project, ProjectRecord.init, \.json)
    case .missing(let missing): roundTrip(missing, MissingRecord.init, \.json)
    case .notice(let notice): roundTrip(notice, NoticeRecord.init, \.json)
    case .ignored: break
    }
}

/// A line the reader accepted, written compactly and parsed again, is the same value.
private func checkJSON(_ record: StreamRecord) {
    let text = record.value.serialized()
    guard let again = try? JSONValue(parsing: text), again == record.value else {
        fatalError("line \(record.line) does not survive serialisation: \(String(reflecting: text.prefix(300)))")
    }
}

/// A decoded record, encoded and decoded again, is the same record.
private func roundTrip<R: Equatable>(_ record: R, _ decode: (JSONField) throws -> R, _ encode: (R) -> JSONValue) {
    let json = encode(record)
    do {
        let again = try decode(JSONField(json))
        if again != record { fatalError("\(R.self) changes on a round trip: \(json.serialized().prefix(300))") }
    } catch {
        fatalError("\(R.self) does not read back what it writes: \(error): \(json.serialized().prefix(300))")
    }
}

/// The input as a file descriptor, as the tools read stdin: one anonymous file, rewritten per run.
private final class StreamInput: @unchecked Sendable {
    static let shared = StreamInput()
    let fd: Int32

    private init() {
        fd = gt_fuzz_memory_file()
        precondition(fd >= 0, "memfd_create failed")
    }

    func replace(with bytes: UnsafeRawBufferPointer) {
        precondition(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0)
        var written = 0
        while written < bytes.count {
            let n = write(fd, bytes.baseAddress! + written, bytes.count - written)
            precondition(n > 0, "write failed")
            written += n
        }
        precondition(lseek(fd, 0, SEEK_SET) == 0)
    }
}
