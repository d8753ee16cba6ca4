import CCurl
import CCurlShims
import GTStreams

/// Owns one libcurl multi handle; its connection cache is what keeps connections alive across
/// the easy handles it runs. Confined to the transfer thread, except ``MultiWakeup``.
///
/// Every `CURLMcode` is checked: a call that fails throws ``HTTPError/multi(code:call:message:)``
/// (docs/architecture.md, "Concurrency").
final class CurlMulti {
    let handle: UnsafeMutableRawPointer

    init() throws(HTTPError) {
        guard curlGlobalInit == CURLE_OK, let handle = curl_multi_init() else {
            throw .invalidRequest("curl_multi_init failed")
        }
        self.handle = handle
    }

    deinit { curl_multi_cleanup(handle) }

    /// Turns a `CURLMcode` into an error naming the call and libcurl's reason.
    static func check(_ code: CURLMcode, _ call: String) throws(HTTPError) {
        guard code != CURLM_OK else { return }
        throw .multi(code: Int(code.rawValue), call: call, message: String(cString: curl_multi_strerror(code)))
    }

    func add(_ easy: CurlEasy) throws(HTTPError) { try Self.check(curl_multi_add_handle(handle, easy.handle), "curl_multi_add_handle") }
    func remove(_ easy: CurlEasy) throws(HTTPError) {
        try Self.check(curl_multi_remove_handle(handle, easy.handle), "curl_multi_remove_handle")
    }

    func perform() throws(HTTPError) {
        var running: Int32 = 0
        try Self.check(curl_multi_perform(handle, &running), "curl_multi_perform")
    }

    /// Waits for socket activity, a timeout, or ``MultiWakeup/wake()``.
    func poll(milliseconds: Int32) throws(HTTPError) {
        try Self.check(curl_multi_poll(handle, nil, 0, milliseconds, nil), "curl_multi_poll")
    }

    /// The next finished transfer: its easy handle and libcurl's result code.
    func nextFinished() -> (UnsafeMutableRawPointer, CURLcode)? {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(handle, &remaining) {
            if message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle {
                return (easy, message.pointee.data.result)
            }
        }
        return nil
    }
}

/// The one multi-handle call made from other threads: `curl_multi_wakeup` is documented as
/// thread-safe. The loop clears it (under the queue's lock) before the multi handle is freed.
struct MultiWakeup: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    /// A failed wakeup is not fatal: the loop polls at most a second at a time anyway.
    func wake() { _ = try? CurlMulti.check(curl_multi_wakeup(handle), "curl_multi_wakeup") }
}
