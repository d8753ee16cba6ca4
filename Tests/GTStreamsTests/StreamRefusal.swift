import Foundation
@testable import GTStreams
@testable import GTGlitchTip
import GTTestSupport
import XCTest

extension XCTestCase {
    /// Why a reader refuses the stream of `kind` with these body lines (framed by a header and
    /// a complete trailer), or nil when it reads it whole; `batched` reads it in batches of two.
    func streamRefusal(_ kind: StreamKind, _ body: [String], batched: Bool = false) -> String? {
        let lines = [#"{"generator":"test","kind":"header","stream":"\#(kind.rawValue)","version":1}"#] + body
            + [#"{"complete":true,"errors":0,"kind":"end","records":\#(body.count),"stats":{},"stream":"\#(kind.rawValue)"}"#]
        let path = scratchDirectory().appendingPathComponent("s.ndjson").path
        do {
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            let reader = try StreamReader(stream: kind, lines: LineReader(path: path))
            if batched {
                try reader.forEachBatch(size: 2, transform: { $0.line }) { _ in }
            } else {
                _ = try reader.readAll()
            }
            return nil
        } catch {
            return "\(error)"
        }
    }
}
