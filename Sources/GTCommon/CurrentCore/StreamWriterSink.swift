import GTStreams
import Synchronization

/// The end of a run's ordered parts: writes each record to the stream as it comes and hands
/// each `error` and `warning` record to `notice` right after it, under one lock, so whatever
/// the front end does with notices (gt-current prints them on stderr) follows the stream.
public final class StreamWriterSink: RecordSink, @unchecked Sendable {
    // @unchecked: `writer` is used only under `lock`.
    private let lock = Mutex(())
    private let writer: StreamWriter
    private let notice: @Sendable (EncodedRecord) -> Void

    public init(writer: StreamWriter, notice: @escaping @Sendable (EncodedRecord) -> Void) {
        self.writer = writer
        self.notice = notice
    }

    public func write(_ record: EncodedRecord) {
        lock.withLock { _ in
            writer.write(record)
            if record.kind == .error || record.kind == .warning { notice(record) }
        }
    }
}
