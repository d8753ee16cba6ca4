import CCurl
import CShims

/// Owns one libcurl multi handle; its connection cache is what keeps connections alive across
/// the easy handles it runs. Confined to the transfer thread, except ``MultiWakeup``.
final class CurlMulti {
    let handle: UnsafeMutableRawPointer

    init() throws(HTTPError) {
        guard curlGlobalInit == CURLE_OK, let handle = curl_multi_init() else {
            throw .invalidRequest("curl_multi_init failed")
        }
        self.handle = handle
    }

    deinit { curl_multi_cleanup(handle) }

    func add(_ easy: CurlEasy) -> Bool { curl_multi_add_handle(handle, easy.handle) == CURLM_OK }
    func remove(_ easy: CurlEasy) { curl_multi_remove_handle(handle, easy.handle) }

    func perform() {
        var running: Int32 = 0
        _ = curl_multi_perform(handle, &running)
    }

    /// Waits for socket activity, a timeout, or ``MultiWakeup/wake()``.
    func poll(milliseconds: Int32) {
        _ = curl_multi_poll(handle, nil, 0, milliseconds, nil)
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
    func wake() { _ = curl_multi_wakeup(handle) }
}
