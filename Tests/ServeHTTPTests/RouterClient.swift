import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import ServeHTTP
import Synchronization

/// gt-serve's routes called in process, the way HummingbirdTesting's `.router` client does it
/// (no socket, no HTTP client): the router's responder is handed a `Request` built here (head
/// from swift-http-types, body from a ByteBuffer) and a `ServeContext` over an embedded channel,
/// and the response body is collected. Without HummingbirdTesting, `swift build --build-tests`
/// builds no AsyncHTTPClient, NIOSSL/BoringSSL or NIOHTTP2.
struct RouterClient: Sendable {
    let responder: Router<ServeContext>.Responder
    let logger: Logger

    init(router: Router<ServeContext>, logger: Logger = Logger(label: "ServeHTTPTests")) {
        responder = router.buildResponder()
        self.logger = logger
    }

    /// `method uri` with `headers` and `body` (its Content-Length set, as HummingbirdTesting does),
    /// the Host `authority` (none when nil), on a connection whose local end is `localAddress`.
    func execute(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?, authority: String? = "localhost",
                 localAddress: SocketAddress? = nil) async throws -> RouterResponse {
        var headers = headers
        if let length = body?.readableBytes { headers[.contentLength] = String(length) }
        let request = Request(head: HTTPRequest(method: method, scheme: "http", authority: authority, path: uri, headerFields: headers),
                              body: RequestBody(buffer: body ?? ByteBuffer()))
        let channel = EmbeddedChannel()
        channel.localAddress = localAddress
        let context = ServeContext(source: ApplicationRequestContextSource(channel: channel, logger: logger))
        let response: Response
        do {
            response = try await responder.respond(to: request, context: context)
        } catch {
            // What HummingbirdTesting's router client answers for an error the routes let through.
            response = Response(status: .internalServerError)
        }
        let writer = CollectingWriter()
        try await response.body.write(writer)
        return RouterResponse(head: response.head, body: writer.collected)
    }
}

/// A response as the test reads it: head and the whole body.
struct RouterResponse: Sendable {
    let head: HTTPResponse
    let body: ByteBuffer

    var status: HTTPResponse.Status { head.status }
    var headers: HTTPFields { head.headerFields }
}

/// Keeps every piece of a response body.
private final class CollectingWriter: ResponseBodyWriter, Sendable {
    private let buffer = Mutex<ByteBuffer>(ByteBuffer())

    func write(_ buffer: ByteBuffer) async throws {
        var piece = buffer
        self.buffer.withLock { _ = $0.writeBuffer(&piece) }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}

    var collected: ByteBuffer { buffer.withLock { $0 } }
}
