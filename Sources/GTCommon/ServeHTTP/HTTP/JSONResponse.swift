import GTStreams
import Hummingbird

extension Response {
    /// `value` as the body, `application/json`.
    static func json(_ code: Int, _ value: JSONValue, headers: HTTPFields = [:]) -> Response {
        var bytes: [UInt8] = []
        value.write(to: &bytes)
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status(code), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The status with its usual reason phrase.
    private static func status(_ code: Int) -> HTTPResponse.Status {
        let known: [HTTPResponse.Status] = [.ok, .accepted, .badRequest, .unauthorized, .forbidden, .notFound, .methodNotAllowed,
                                            .requestTimeout, .contentTooLarge,
                                            .unsupportedMediaType, .unprocessableContent, .internalServerError, .serviceUnavailable]
        return known.first { $0.code == code } ?? HTTPResponse.Status(code: code)
    }

    /// FastAPI's error shape: `{"detail": "…"}`.
    static func detail(_ code: Int, _ detail: String, headers: HTTPFields = [:]) -> Response {
        json(code, ["detail": .string(detail)], headers: headers)
    }

    static func text(_ text: String, contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
