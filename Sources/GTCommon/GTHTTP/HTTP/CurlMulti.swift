internal import CCurl
import GTStreams

/// Owns one libcurl multi handle; its connection cache is what keeps connections alive across
/// the easy handles it runs. Confined to the transfer thread, except ``MultiWakeup``.
///
/// Every `CURLMcode` is checked: a call that fails throws ``HTTPError/multi(code:call:message:)``
/// (docs/architecture.md, "Concurrency").
final class CurlMulti {
    private let handle: UnsafeMutableRawPointer
    /// The easy handles on this multi handle, by the handle libcurl reports when one finishes.
    private var attached: [UnsafeMutableRawPointer: CurlEasy] = [:]

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

    func add(_ easy: CurlEasy) throws(HTTPError) {
        try easy.withHandle { (easyHandle) throws(HTTPError) in
            try Self.check(curl_multi_add_handle(handle, easyHandle), "curl_multi_add_handle")
            attached[easyHandle] = easy
        }
    }

    func remove(_ easy: CurlEasy) throws(HTTPError) {
        try easy.withHandle { (easyHandle) throws(HTTPError) in
            try Self.check(curl_multi_remove_handle(handle, easyHandle), "curl_multi_remove_handle")
            attached[easyHandle] = nil
        }
    }

    func perform() throws(HTTPError) {
        var running: Int32 = 0
        try Self.check(curl_multi_perform(handle, &running), "curl_multi_perform")
    }

    /// Waits for socket activity, a timeout, or ``MultiWakeup/wake()``.
    func poll(milliseconds: Int32) throws(HTTPError) {
        try Self.check(curl_multi_poll(handle, nil, 0, milliseconds, nil), "curl_multi_poll")
    }

    /// The next finished transfer and its outcome (still on this multi handle: ``remove(_:)`` it).
    func nextFinished() -> (easy: CurlEasy, result: Result<HTTPResponse, HTTPError>)? {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(handle, &remaining) {
            if message.pointee.msg == CURLMSG_DONE, let finished = message.pointee.easy_handle, let easy = attached[finished] {
                return (easy, easy.result(message.pointee.data.result))
            }
        }
        return nil
    }

    /// What other threads may call on this multi handle.
    var wakeup: MultiWakeup { MultiWakeup(handle: handle) }
}

/// The one multi-handle call made from other threads: `curl_multi_wakeup` is documented as
/// thread-safe. The loop clears it (under the queue's lock) before the multi handle is freed.
struct MultiWakeup: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer

    fileprivate init(handle: UnsafeMutableRawPointer) { self.handle = handle }

    /// A failed wakeup is not fatal: the loop polls at most a second at a time anyway.
    func wake() { _ = try? CurlMulti.check(curl_multi_wakeup(handle), "curl_multi_wakeup") }
}
