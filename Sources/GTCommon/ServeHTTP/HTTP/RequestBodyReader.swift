import GTStreams
import Hummingbird

/// A request body read within gt-serve's bounds: at most `maxBodyBytes` as sent (refused from
/// its Content-Length when it says more, else as soon as more arrives), and, sent with
/// `Content-Encoding: gzip`, at most `maxInflatedBytes` once inflated (``GzipBody``).
struct RequestBodyReader: Sendable {
    let maxBodyBytes: Int
    let maxInflatedBytes: Int

    /// The answer that ends a request whose body is refused.
    struct Refused: Error {
        let response: Response
    }

    func read(_ request: Request) async throws(Refused) -> [UInt8] {
        try decode(try await collect(request), of: request)
    }

    /// The body as sent, within `maxBodyBytes`.
    func collect(_ request: Request) async throws(Refused) -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBodyBytes { throw tooLarge }
        var body: [UInt8] = []
        do {
            for try await chunk in request.body {
                guard body.count + chunk.readableBytes <= maxBodyBytes else { throw tooLarge }
                body.append(contentsOf: chunk.readableBytesView)
            }
        } catch let refused as Refused {
            throw refused
        } catch {
            throw Refused(response: .detail(400, "the request body could not be read"))
        }
        return body
    }

    /// `body` as its Content-Encoding says: as sent, or inflated within `maxInflatedBytes`.
    func decode(_ body: [UInt8], of request: Request) throws(Refused) -> [UInt8] {
        let encoding = request.headers[.contentEncoding]?.trimmedWhitespace.lowercased() ?? "identity"
        switch encoding {
        case "identity", "":
            return body
        case "gzip", "x-gzip":
            switch GzipBody.inflate(body, limit: maxInflatedBytes) {
            case .success(let inflated): return inflated
            case .failure(.overLimit(let limit)):
                throw Refused(response: .detail(413, "the gzip request body inflates to more than \(limit) bytes, gt-serve's limit"))
            case .failure(.invalid(let reason)):
                throw Refused(response: .detail(400, "the request body is not valid gzip (Content-Encoding: gzip): \(reason)"))
            }
        default:
            throw Refused(response: .detail(415, "the request's Content-Encoding is not supported: send gzip or no encoding"))
        }
    }

    private var tooLarge: Refused {
        Refused(response: .detail(413, "the request body is larger than \(maxBodyBytes) bytes, gt-serve's limit (compressed or not)"))
    }
}
