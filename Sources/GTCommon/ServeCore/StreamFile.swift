import GTStreams

/// One of the pipeline's streams held in an unlinked temporary file in `TMPDIR` (mode 0600, no
/// name leads to it; docs/architecture.md, "Bounded memory"): written whole with the
/// pipeline's own ``StreamWriter``, then read back with its ``StreamReader``, so a task's
/// streams pass the same framing, order and completeness checks as the pipeline's pipes.
final class StreamFile {
    private let fd: Int32
    private let output: FileOutput
    let writer: StreamWriter

    init(_ kind: StreamKind, in directory: String) throws {
        do { fd = try SystemCall.unlinkedTemporaryFile(in: directory) } catch {
            throw InputError("cannot make a temporary file for the \(kind.rawValue) stream in \(directory): \(error)")
        }
        output = FileOutput(fd: fd, name: "the \(kind.rawValue) stream's temporary file")
        writer = StreamWriter(stream: kind, generator: "gt-serve \(GTVersion.current)", output: output)
    }

    deinit { SystemCall.close(fd) }

    /// The stream as written, from its first line; its trailer must have been written. Valid
    /// while this file is.
    func reader() throws -> StreamReader {
        try output.finish()
        try SystemCall.rewind(fd)
        return try StreamReader(stream: writer.stream, lines: LineReader(fd: fd), label: writer.stream.rawValue)
    }
}
