internal import CZlib

/// A request body sent with `Content-Encoding: gzip`, inflated with a bound on what it expands
/// to: inflating stops at the first chunk that would pass the bound, so a gzip bomb (a few
/// kilobytes that expand to gigabytes) is refused having used at most the bound.
enum GzipBody {
    enum Failure: Error, Equatable {
        /// It expands to more than this many bytes.
        case overLimit(Int)
        /// Not gzip, or cut short; zlib's reason (zlib's own text, never the body's).
        case invalid(String)
    }

    private static let chunkSize = 64 * 1024

    /// `input` inflated, at most `limit` bytes; concatenated gzip members (`cat a.gz b.gz`) are
    /// read one after the other, as gzip reads them.
    static func inflate(_ input: [UInt8], limit: Int) -> Result<[UInt8], Failure> {
        var stream = z_stream()
        guard gt_inflate_init_gzip(&stream) == Z_OK else { return .failure(.invalid("zlib could not start")) }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        return input.withUnsafeBufferPointer { source -> Result<[UInt8], Failure> in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunkSize - Int(stream.avail_out)
                guard output.count + produced <= limit else { return .failure(.overLimit(limit)) }
                output.append(contentsOf: chunk[..<produced])
                switch status {
                case Z_STREAM_END:
                    if stream.avail_in == 0 { return .success(output) }
                    guard inflateReset(&stream) == Z_OK else { return .failure(.invalid(reason(stream, "cannot read the next gzip member"))) }
                case Z_OK:
                    // zlib wants more input than there is: the stream is cut short.
                    if stream.avail_in == 0, produced < chunkSize { return .failure(.invalid("the gzip stream ends early")) }
                case Z_BUF_ERROR:
                    return .failure(.invalid("the gzip stream ends early"))
                default:
                    return .failure(.invalid(reason(stream, "not a gzip stream")))
                }
            }
        }
    }

    private static func reason(_ stream: z_stream, _ fallback: String) -> String {
        stream.msg.map { String(cString: $0) } ?? fallback
    }
}
