import GTStreams
import GTGlitchTip
import GTCLI
import Synchronization

/// The end of gt-current's ordered parts: writes each record to the stream as it comes and
/// prints its message (errors always, warnings unless `--quiet`), so stderr follows the stream.
final class WriterSink: RecordSink, @unchecked Sendable {
    // @unchecked: `writer` and `diagnostics` are used only under `lock`.
    private let lock = Mutex(())
    private let writer: StreamWriter
    private let diagnostics: Diagnostics
    private let quiet: Bool
    /// Erased before a message, so the message does not land in the middle of it.
    private let progress: ProgressLine?

    init(writer: StreamWriter, diagnostics: Diagnostics, quiet: Bool, progress: ProgressLine?) {
        self.writer = writer
        self.diagnostics = diagnostics
        self.quiet = quiet
        self.progress = progress
    }

    func write(_ record: EncodedRecord) {
        lock.withLock { _ in
            writer.write(record)
            if record.kind == .error || (record.kind == .warning && !quiet) { progress?.clear() }
            if record.kind == .error { diagnostics.error(record.message ?? "") }
            if record.kind == .warning, !quiet { diagnostics.warning(record.message ?? "") }
        }
    }
}
